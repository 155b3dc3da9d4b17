-- The login the service runs as. It owns nothing: the tables belong to
-- `intake`, which `intake db upgrade` runs as, and `intake db grant
-- intake_app` gives this role rows to read and write, and the audit trail
-- only to read and add to. Change the password with the one in .env.
CREATE ROLE intake_app LOGIN PASSWORD 'intake_app';
