"""The sample organisation directory (SPEC §4), written as CSV files.

Small but coherent: every sample form's outcome follows from these rows.
ICBs: QWE, QRS, QAB.
"""

from __future__ import annotations

import csv
import pathlib

ORGANISATIONS_HEADER = ("org_code", "name", "org_type", "icb_code", "status")
ORGANISATIONS = (
    ("A81001", "Riverside Medical Centre", "gp_practice", "QWE", "active"),
    ("A81002", "Hillview Surgery", "gp_practice", "QWE", "active"),
    (
        "A81003",
        "Moorside and Upper Valley Family Practice incorporating Lowmoor Branch Surgery",
        "gp_practice",
        "QWE",
        "active",
    ),
    ("A81004", "Church Street Surgery", "gp_practice", "QRS", "active"),
    ("A81005", "Parkway Health Centre", "gp_practice", "QRS", "active"),
    ("A81006", "Old Mill Surgery", "gp_practice", "QWE", "closed"),
    ("A81007", "Greenfields Practice", "gp_practice", "QAB", "active"),
    ("A81008", "Northgate Medical Practice", "gp_practice", "QAB", "active"),
    ("A81009", "Beech Road Surgery", "gp_practice", "QRS", "active"),
    ("C82010", "Brook Lane Opticians", "optometry", "QRS", "active"),
    ("C82011", "Clearview Eyecare", "optometry", "QAB", "active"),
    ("V00123", "Smile Dental Care", "dental", "QWE", "active"),
    ("FA123", "High Street Pharmacy", "pharmacy", "QAB", "active"),
)

STAFF_HEADER = ("org_code", "full_name", "email", "staff_role", "status")
STAFF = (
    ("A81001", "Sarah Collins", "sarah.collins@nhs.net", "gp_partner", "active"),
    ("A81001", "Raj Mehta", "raj.mehta@nhs.net", "gp_partner", "active"),
    ("A81001", "Tom Baker", "tom.baker@nhs.net", "salaried_gp", "active"),
    ("A81001", "Emma Wilson", "emma.wilson@nhs.net", "practice_manager", "active"),
    ("A81002", "Helen Morris", "helen.morris@nhs.net", "caldicott_guardian", "active"),
    ("A81002", "James Patel", "james.patel@nhs.net", "gp_partner", "inactive"),
    ("A81002", "Mark Evans", "mark.evans@nhs.net", "practice_manager", "active"),
    ("A81003", "Peter Grant", "peter.grant@nhs.net", "gp_partner", "inactive"),
    ("A81003", "Grace Lee", "grace.lee@nhs.net", "practice_manager", "active"),
    ("A81004", "Ben Carter", "ben.carter@nhs.net", "gp_partner", "active"),
    ("A81004", "Oliver King", "oliver.king@nhs.net", "practice_manager", "active"),
    ("A81004", "Linda Hall", "linda.hall@nhs.net", "admin", "inactive"),
    ("A81005", "Paul Green", "paul.green@nhs.net", "gp_partner", "active"),
    ("A81005", "Zara Ali", "zara.ali@nhs.net", "practice_manager", "active"),
    ("A81006", "George Wright", "george.wright@nhs.net", "gp_partner", "active"),
    ("A81006", "Holly Baker", "holly.baker@nhs.net", "practice_manager", "active"),
    ("A81007", "James Patel", "james.patel@nhs.net", "gp_partner", "active"),
    ("A81007", "Nina Brown", "nina.brown@nhs.net", "practice_manager", "active"),
    ("A81007", "Ian Moore", "ian.moore@nhs.net", "admin", "active"),
    ("A81008", "Fiona Reid", "fiona.reid@nhs.net", "gp_partner", "active"),
    ("A81008", "Sam Taylor", "sam.taylor@nhs.net", "admin", "active"),
    ("A81009", "Hannah Shaw", "hannah.shaw@nhs.net", "gp_partner", "active"),
    ("A81009", "Ryan Cole", "ryan.cole@nhs.net", "practice_manager", "active"),
    ("C82010", "Daniel Price", "daniel.price@nhs.net", "optometrist", "active"),
    ("C82010", "Tom Hughes", "tom.hughes@nhs.net", "admin", "active"),
    ("C82011", "Kevin O'Neill", "kevin.oneill@nhs.net", "caldicott_guardian", "active"),
    ("C82011", "Julia Scott", "julia.scott@nhs.net", "admin", "active"),
    ("V00123", "Aisha Khan", "aisha.khan@nhs.net", "caldicott_guardian", "active"),
    ("V00123", "Chris Wood", "chris.wood@nhs.net", "practice_manager", "active"),
    ("FA123", "Omar Farouk", "omar.farouk@nhs.net", "admin", "active"),
)

AEL_HEADER = ("org_code", "email", "status")
AEL = (
    ("C82010", "governance@brooklaneopticians.co.uk", "active"),
    ("A81001", "riverside.ael@nhs.net", "active"),
    ("A81003", "moorside.admin@nhs.net", "removed"),
    ("A81005", "parkway.ael@nhs.net", "removed"),
)

ICB_CONTACTS_HEADER = ("icb_code", "full_name", "email", "status")
ICB_CONTACTS = (
    ("QWE", "Anita Rao", "anita.rao@nhs.net", "active"),
    ("QRS", "Michael Stone", "michael.stone@nhs.net", "active"),
    ("QAB", "Claire Dunn", "claire.dunn@nhs.net", "inactive"),
    ("QAB", "Robert Fox", "robert.fox@nhs.net", "active"),
)

USER_ADMINS_HEADER = ("org_code", "role_code", "full_name", "email", "status")
USER_ADMINS = (
    ("A81005", "GPP_UA", "Paul Green", "paul.green@nhs.net", "active"),
    ("A81005", "GPP_UA", "Zara Ali", "zara.ali@nhs.net", "active"),
    ("A81005", "GPP_UA", "Kate Long", "kate.long@nhs.net", "active"),
    ("A81005", "GPP_UA", "Leo Ford", "leo.ford@nhs.net", "active"),
    ("A81005", "GPP_UA", "Mia Stone", "mia.stone@nhs.net", "deactivated"),
    ("A81004", "MAIN_CONTACT", "Linda Hall", "linda.hall@nhs.net", "active"),
    ("A81007", "PL_UA", "Ian Moore", "ian.moore@nhs.net", "active"),
    ("A81007", "PL_UA", "Ruth Bell", "ruth.bell@nhs.net", "deactivated"),
    ("A81009", "PL_UA", "Amy Reed", "amy.reed@nhs.net", "active"),
    ("A81009", "PL_UA", "Dev Singh", "dev.singh@nhs.net", "active"),
    ("A81009", "PL_UA", "Lucy Wade", "lucy.wade@nhs.net", "active"),
    ("A81009", "PL_UA", "Owen Marsh", "owen.marsh@nhs.net", "active"),
    ("A81009", "PL_UA", "Carl Webb", "carl.webb@nhs.net", "deactivated"),
    ("C82011", "OPTO_UA", "Neil Cross", "neil.cross@nhs.net", "deactivated"),
)

FILES = {
    "organisations.csv": (ORGANISATIONS_HEADER, ORGANISATIONS),
    "staff.csv": (STAFF_HEADER, STAFF),
    "ael.csv": (AEL_HEADER, AEL),
    "icb_contacts.csv": (ICB_CONTACTS_HEADER, ICB_CONTACTS),
    "user_admins.csv": (USER_ADMINS_HEADER, USER_ADMINS),
}


def write_directory(folder: pathlib.Path) -> list[pathlib.Path]:
    """Write the five CSV files into ``folder`` (UTF-8, header row, ``\\n`` ends)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in FILES.items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    return written
