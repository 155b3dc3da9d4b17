"""Deciding: a claimed submission is read, each form checked by
:mod:`verification`, and the outcome recorded once; caseworkers' reviews,
grants, oversight (escalation, second looks) and the sweeper.

- :mod:`intake.decisions.pipeline` — claim, read and decide one submission.
- :mod:`intake.decisions.review` — a caseworker applies or rejects.
- :mod:`intake.decisions.grants` — a decision's change to the role holders.
- :mod:`intake.decisions.oversight` — escalation and second looks.
- :mod:`intake.decisions.sweeper` — work whose message or worker was lost.
"""
