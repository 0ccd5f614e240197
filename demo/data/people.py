"""Everyone in the demo: the four demo accounts that can sign in, and the officers they work with."""

from accounts.models import Membership
from demo.data.northfield import NORTHFIELD_SLUG
from demo.data.safer_bromley import SBP_SLUG
from demo.specs import PersonSpec

# Published in DESIGN.md and printed by the command: never use these accounts outside a demo.
DEMO_PASSWORD = "sbp-demo-2024"  # noqa: S105 - the demo accounts' documented password
# The demo administrators' authenticator app (two-factor sign-in), published like the password: add it
# to an app by hand (base32) to sign in as them. Administrators must use two-factor sign-in.
DEMO_TOTP_SECRET = "SBPDEMOSAFERBROMLEYPARTNERSHIP24"  # noqa: S105 - documented demo secret
DEMO_TWO_FACTOR_ACCOUNTS = ("demo-admin", "demo-other")

ADMINISTRATOR = Membership.Role.ADMINISTRATOR
OFFICER = Membership.Role.OFFICER
BOARD_MEMBER = Membership.Role.BOARD_MEMBER

DEMO_ACCOUNTS = ("demo-admin", "demo-officer", "demo-board", "demo-other")

PEOPLE = (
    # The demo accounts: the only people who can sign in.
    PersonSpec("demo-admin", "Priya", "Shah", SBP_SLUG, "LBB", ADMINISTRATOR,
               "Project Manager for Public Protection", can_sign_in=True),
    PersonSpec("demo-officer", "Tom", "Fletcher", SBP_SLUG, "LBB", OFFICER,
               "Community Safety Officer", can_sign_in=True),
    PersonSpec("demo-board", "Claire", "Dawson", SBP_SLUG, "MPS", BOARD_MEMBER,
               "Chief Inspector", can_sign_in=True),
    PersonSpec("demo-other", "Sam", "Okafor", NORTHFIELD_SLUG, "NDC", ADMINISTRATOR,
               "Community Safety Manager", can_sign_in=True),
    # The 2016-2019 priority leads, as the minutes name them.
    PersonSpec("t.lawry", "Trevor", "Lawry", SBP_SLUG, "MPS", OFFICER, "Detective Superintendent"),
    PersonSpec("n.davies", "Nigel", "Davies", SBP_SLUG, "LBB", OFFICER),
    PersonSpec("s.kirk", "Sharon", "Kirk", SBP_SLUG, "CRC", OFFICER),
    PersonSpec("j.bailey", "Jane", "Bailey", SBP_SLUG, "LBB", OFFICER),
    PersonSpec("d.cartwright", "Dan", "Cartwright", SBP_SLUG, "LFB", OFFICER),
    # Fictional officers who lead the 2024-27 priorities and own its actions.
    PersonSpec("h.ward", "Helen", "Ward", SBP_SLUG, "LBB", OFFICER,
               "Prevention and Partnerships Manager"),
    PersonSpec("s.begum", "Sana", "Begum", SBP_SLUG, "LBB", OFFICER,
               "Domestic Abuse Strategy Coordinator"),
    PersonSpec("j.mensah", "Joseph", "Mensah", SBP_SLUG, "LBB", OFFICER,
               "Anti-social Behaviour Coordinator"),
    PersonSpec("m.ellison", "Mark", "Ellison", SBP_SLUG, "MPS", OFFICER,
               "Detective Chief Inspector"),
    PersonSpec("a.morgan", "Aisha", "Morgan", SBP_SLUG, "LFB", OFFICER,
               "Station Commander, Community Safety"),
    PersonSpec("d.okoro", "David", "Okoro", SBP_SLUG, "PS", OFFICER, "Senior Probation Officer"),
    PersonSpec("r.clarke", "Rebecca", "Clarke", SBP_SLUG, "ICB", OFFICER,
               "Designated Nurse, Safeguarding Adults"),
    PersonSpec("l.harper", "Laura", "Harper", SBP_SLUG, "VCS", OFFICER, "Development Manager"),
    # Northfield's officers.
    PersonSpec("e.wright", "Emma", "Wright", NORTHFIELD_SLUG, "NDC", OFFICER,
               "Community Safety Officer"),
    PersonSpec("g.singh", "Gurpreet", "Singh", NORTHFIELD_SLUG, "NSP", OFFICER, "Inspector"),
)  # fmt: skip
