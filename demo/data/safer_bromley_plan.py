"""The Safer Bromley Partnership's 2024-27 delivery plan (illustrative): its actions, by ambition.

Each action names its progress story (see `demo.data.stories`); its dates and milestones count
quarters from the open reporting period, so the plan looks current whenever it is loaded.
"""

from demo.specs import ActionSpec

SBP_ACTIONS = (
    # 1.1 Reduce serious violence affecting young people under 25
    ActionSpec(
        "1.1", "Agree and publish Bromley's local definition of serious violence", "h.ward",
        "completed_earlier", partners=("MPS", "PS", "ICB"), due_q=1,
        description="Build on the London Councils minimum definition and expand it where Bromley's "
        "profile needs it.",
        resources="Officer time from the Community Safety team.",
        success_measure="A definition agreed by every responsible authority and published.",
        milestones=(("Draft definition circulated to partners", -2, True),
                    ("Definition agreed by the Board", -1, True)),
    ),
    ActionSpec(
        "1.1", "Publish the serious violence needs assessment and response strategy",
        "demo-officer", "steady", delegates=("h.ward",), partners=("MPS", "ICB", "PS"),
        tags=("Serious Violence Duty",),
        description="Meet the Serious Violence Duty: a joint needs assessment and a strategy to "
        "respond to it.",
        resources="Home Office Serious Violence Duty grant; analyst time.",
        success_measure="Needs assessment and strategy published and refreshed every year.",
        milestones=(("Data-sharing agreement signed", -2, True),
                    ("Needs assessment published", 0, True),
                    ("Response strategy agreed by the Board", 1, False)),
    ),
    ActionSpec(
        "1.1", "Deliver knife crime awareness sessions in every secondary school", "m.ellison",
        "recovering", delegates=("demo-officer",), partners=("LBB", "VCS"),
        tags=("Serious Violence Duty",), other_partners="Secondary schools and academies",
        resources="Safer Schools officers; a charity-led session funded by the partnership.",
        success_measure="Every secondary school has had a session each academic year.",
        milestones=(("Sessions booked with all schools", -1, True),
                    ("Autumn term sessions delivered", 1, False)),
    ),
    ActionSpec(
        "1.1", "Commission a hospital-based youth violence intervention service", "r.clarke",
        "stuck", partners=("LBB", "MPS"), due_q=1,
        description="Youth workers in the emergency department who reach young people injured by "
        "violence at a teachable moment.",
        resources="Unfunded: estimated £60,000 a year.",
        success_measure="Young people seen in the emergency department are offered support.",
        milestones=(("Service specification agreed", -2, True),
                    ("Funding secured", -1, False)),
        board_ask="The Board is asked to agree how partners will fund the service, or to accept "
        "a reduced scope.",
    ),
    # 1.2 Reduce the number of children coming into care through early help and diversion
    ActionSpec(
        "1.2", "Extend the early help offer to families of children at risk of exploitation",
        "h.ward", "slipping", partners=("MPS", "ICB"),
        resources="Early help service; no additional funding.",
        success_measure="More families at risk receive early help within four weeks of referral.",
        milestones=(("Referral criteria agreed", -2, True),
                    ("Extra family support workers in post", 0, False)),
    ),
    ActionSpec(
        "1.2", "Set up a multi-agency panel for children at risk of entering care through "
        "offending", "demo-officer", "missing", partners=("MPS", "PS", "ICB"), due_q=3,
        resources="Officer time from each agency.",
        success_measure="Every child referred has a joint plan agreed within a month.",
        milestones=(("Terms of reference agreed", -1, True),
                    ("First panel meeting held", 1, False)),
    ),
    ActionSpec(
        "1.2", "Improve transitions from youth justice to adult probation services", "d.okoro",
        "steady", partners=("LBB",), due_q=3,
        success_measure="Every young person transferring has a joint handover meeting.",
    ),
    # 1.3 Counter the negative use of social media and online crime
    ActionSpec(
        "1.3", "Run a campaign with young people on the harm done by sharing videos of crime",
        "demo-officer", "draft", partners=("MPS", "VCS"), due_q=1,
        description="Videos of crime on social media act as a feeder for further crime; a "
        "campaign made with young people to discourage sharing them.",
        resources="£5,000 from the partnership's campaign budget.",
        success_measure="Campaign reach and a survey of young people's attitudes before and after.",
        milestones=(("Youth panel recruited", -2, True),
                    ("Campaign content produced", 0, False),
                    ("Campaign launched", 1, False)),
    ),
    ActionSpec(
        "1.3", "Train school staff and youth workers to recognise online grooming and "
        "exploitation", "h.ward", "not_started", delegates=("l.harper",), partners=("VCS", "MPS"),
        start_q=-1, due_q=4,
        resources="Training delivered by the voluntary sector; funding to be confirmed.",
        success_measure="Number of staff trained and their confidence before and after.",
    ),
    ActionSpec(
        "1.3", "Agree a joint process to report and remove online content that promotes violence",
        "m.ellison", "overdue", partners=("LBB",), due_q=-1,
        resources="Police digital investigation team; council communications team.",
        success_measure="Harmful content reported and removed within agreed times.",
        milestones=(("Reporting process drafted", -2, True),
                    ("Process live on the partner's case system", -1, False)),
        board_ask="Social media is a global issue beyond the partnership alone: the Board is asked "
        "to raise the platforms' response times with London Councils.",
    ),
    ActionSpec(
        "1.3", "Deliver online safety sessions for parents and carers", "l.harper",
        "exceptional", partners=("LBB", "MPS"), due_q=1,
        resources="Voluntary sector volunteers; venues provided free by schools.",
        success_measure="200 parents and carers attend a session each year.",
        milestones=(("First ten sessions delivered", -1, True),),
        exceptional_reason="More than twice the target number of parents attended, and schools "
        "have asked for the sessions to continue at their own cost.",
    ),
    # 2.1 Tackle violence against women and girls and support victims of domestic abuse
    ActionSpec(
        "2.1", "Refresh the VAWG action plan for 2024-27", "s.begum", "completed_earlier",
        partners=("MPS", "ICB", "PS", "VCS"), due_q=1, tags=("VAWG",),
        success_measure="An action plan agreed by every partner.",
        milestones=(("Survivors' forum consulted", -2, True),),
    ),
    ActionSpec(
        "2.1", "Recommission the independent domestic violence advocate service", "s.begum",
        "on_hold", partners=("MPS", "ICB"), tags=("VAWG",),
        resources="Current contract £180,000 a year; the new budget is not yet agreed.",
        success_measure="High-risk victims are offered an advocate within two working days.",
        milestones=(("Service specification drafted", -2, True),
                    ("Tender published", 0, False)),
        board_ask="The Board is asked to agree the partners' contributions so that the service "
        "can be retendered before the contract extension ends.",
    ),
    ActionSpec(
        "2.1", "Review MARAC referral pathways and thresholds", "m.ellison", "steady",
        delegates=("s.begum",), partners=("LBB", "ICB", "PS"), tags=("VAWG",),
        success_measure="Referrals meet the threshold and repeat referrals are tracked.",
    ),
    ActionSpec(
        "2.1", "Raise awareness of the domestic abuse of older people among health and care staff",
        "r.clarke", "recovering", partners=("LBB", "VCS"), tags=("VAWG",),
        description="Following the request that the domestic abuse of the elderly be written into "
        "the plan.",
        resources="Safeguarding adults training budget.",
        success_measure="Referrals of older victims rise and staff report more confidence.",
        milestones=(("Training materials written", -1, True),
                    ("Sessions for GP practices delivered", 0, False)),
    ),
    # 2.2 Protect people at risk of exploitation and serious harm
    ActionSpec(
        "2.2", "Map county lines and cuckooing risks and agree a joint response", "m.ellison",
        "missing", partners=("LBB", "PS"),
        success_measure="A shared risk map reviewed monthly, with a named lead for each case.",
        milestones=(("Risk map produced", -1, True),),
    ),
    ActionSpec(
        "2.2", "Manage the highest-risk offenders through Integrated Offender Management",
        "d.okoro", "steady", partners=("MPS", "LBB"), due_q=4,
        success_measure="Reoffending by the IOM cohort falls year on year.",
    ),
    ActionSpec(
        "2.2", "Train GP practices to recognise exploitation and refer it", "r.clarke",
        "late_start", start_q=0, due_q=4, partners=("LBB",),
        resources="ICB safeguarding team.",
        success_measure="Every GP practice has a trained safeguarding lead.",
    ),
    ActionSpec(
        "2.2", "Launch a scams and fraud prevention programme for older residents",
        "demo-officer", "missing_amber", partners=("MPS", "VCS"),
        resources="Trading Standards; volunteers from the voluntary sector.",
        success_measure="Number of residents reached and of scams reported.",
        milestones=(("Partners' data-sharing agreement signed", -2, True),
                    ("Call-blocker units installed for 50 residents", 0, False)),
    ),
    # 3.1 Stand together against hate crime and extremism
    ActionSpec(
        "3.1", "Set up a network of third-party hate crime reporting centres", "l.harper",
        "slipping", partners=("MPS", "LBB"),
        resources="Small grants to host organisations.",
        success_measure="Ten reporting centres open, and reports rise.",
        milestones=(("Host organisations recruited", -1, False),),
    ),
    ActionSpec(
        "3.1", "Deliver Prevent awareness training to frontline staff across the partnership",
        "h.ward", "completed", partners=("MPS", "LFB", "ICB"), due_q=2,
        success_measure="90% of frontline staff trained.",
        milestones=(("Training plan agreed", -2, True),
                    ("Sessions delivered", 0, True)),
    ),
    ActionSpec(
        "3.1", "Run a community tension monitoring group every month", "m.ellison", "steady",
        partners=("LBB", "VCS"), due_q=4,
        success_measure="Tensions are identified early and a partner response agreed within a week.",
    ),
    ActionSpec(
        "3.1", "Hold a Hate Crime Awareness Week programme each October", "l.harper",
        "completed", partners=("LBB", "MPS"), due_q=1,
        success_measure="Events across the borough and more hate crime reported afterwards.",
    ),
    # 3.2 Reduce anti-social behaviour and envirocrime in neighbourhoods
    ActionSpec(
        "3.2", "Publicise the ASB case review (community trigger) and put it online", "j.mensah",
        "overdue", partners=("MPS",), due_q=-1,
        resources="Council web team.",
        success_measure="Residents can apply online and every review is held within 20 days.",
        milestones=(("Online form built", -2, True),
                    ("Form live on the council's website", -1, False)),
    ),
    ActionSpec(
        "3.2", "Target fly-tipping hotspots with CCTV and enforcement days", "j.mensah",
        "recovering", partners=("MPS", "LFB"), tags=("Bromley town centre", "Orpington"),
        resources="Two redeployable CCTV cameras; enforcement officers.",
        success_measure="Fly-tipping at the ten worst hotspots falls by a quarter.",
        milestones=(("Hotspots identified", -2, True),
                    ("Cameras installed", -1, True),
                    ("First enforcement day held", 0, False)),
    ),
    ActionSpec(
        "3.2", "Reduce deliberate fires in open spaces and derelict buildings", "a.morgan",
        "steady", partners=("LBB", "MPS"), due_q=3,
        success_measure="Deliberate secondary fires fall year on year.",
    ),
    ActionSpec(
        "3.2", "Deliver home fire safety visits to vulnerable residents referred by partners",
        "a.morgan", "exceptional", delegates=("j.mensah",), partners=("LBB", "ICB", "VCS"),
        due_q=3,
        resources="Fire brigade community safety team.",
        success_measure="500 visits a year to residents referred by partners.",
        exceptional_reason="Partner referrals have doubled since the ICB joined the referral "
        "scheme, and visits are already above the annual target.",
    ),
    # 3.3 Build community capacity by supporting the voluntary sector to access grants
    ActionSpec(
        "3.3", "Run grant-finding and bid-writing workshops for voluntary groups", "l.harper",
        "completed", partners=("LBB",), due_q=2,
        success_measure="Groups trained and the value of grants they win.",
        milestones=(("Workshops delivered", 0, True),),
    ),
    ActionSpec(
        "3.3", "Publish a directory of community safety funding opportunities", "demo-officer",
        "slipping", partners=("VCS",), due_q=1, revised_from_q=0,
        revision_reason="The main funders announce their 2027 rounds in January; publishing after "
        "that saves a second edition within weeks.",
        success_measure="Directory published and updated every quarter.",
        milestones=(("First edition published", 0, False),),
    ),
    ActionSpec(
        "3.3", "Set up a small grants scheme for community safety projects", "j.mensah", "stuck",
        partners=("VCS", "MPS"), due_q=1,
        resources="Unfunded: £20,000 a year proposed from partners' contributions.",
        success_measure="Grants awarded and the projects' outcomes.",
        milestones=(("Scheme criteria drafted", -2, True),),
        board_ask="The Board is asked whether partners can contribute £20,000 to a pooled "
        "small grants fund.",
    ),
)  # fmt: skip
