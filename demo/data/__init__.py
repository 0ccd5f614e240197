"""The demo's data, one module per subject, written as instances of the shapes in `demo.specs`.

Everything the seed minutes say is used as they say it: the 2016-2019 priorities, their leads and
ambitions, the 2024-27 priorities and timeline, the two agenda items with their minutes and
resolutions. Everything else is illustrative and fictional: the demo accounts and the other officers,
the 2024-27 leads and ambitions, the delivery plan and its progress updates, the Domestic Abuse Duty
Action Plan 2025-27 beside it, the sign-off dates, the dates of the two minuted meetings (the minutes
do not give them) and the whole of Northfield.
"""
