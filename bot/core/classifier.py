"""Which kind of interview question a piece of text is, from its wording alone.

Scripts name a category for every question; a question typed by a user, or one from a
practice list, does not. `classify_question` reads the wording with weighted cues: a cue
that only one kind of question uses ('weakness', 'salary', 'tell me about yourself') weighs
more than a generic one ('this role'), and the highest total wins, earlier categories first
on a tie. No model, so the same text always gets the same category.
"""

from __future__ import annotations

import re

from bot.core.signals import fold

_CUES: tuple[tuple[str, int, str], ...] = (
    ("case_challenge", 7, r"\b(?:what if (?:your|the|that) (?:assumption|numbers?|data|estimate|figures?)|"
                          r"push(?:ing)? back on|"
                          r"challenge (?:your|that)|change your (?:recommendation|mind)|devil'?s advocate|"
                          r"(?:biggest|weakest) (?:risk|weakness|hole|gap|point) in your "
                          r"(?:plan|recommendation|case|proposal|analysis)|"
                          r"why not (?:the other|option)|not convinced|bring (?:them|people|the team) along)\b"),
    ("case_presentation", 6, r"\b(?:present your (?:recommendation|case|findings|analysis|proposal|plan)|"
                             r"(?:take|walk) (?:me|us) through your "
                             r"(?:slides|presentation|analysis|recommendation|proposal)|"
                             r"(?:here is|here's) your brief|over to you to present|time to present)\b"),
    ("strategy", 5, r"\b(?:trade-?offs?|your strategy|strategic (?:choice|bet|priorit\w*)|long-term vision|"
                    r"vision for|where would you take|what would you stop doing|say no to|the wrong call|"
                    r"what would you leave alone|(?:two|three) years from now)\b"),
    ("candidate_questions", 5, r"\b(?:questions? (?:do you have |for (?:me|us))|what would you like to (?:ask|know)|"
                               r"anything you'?d like to (?:ask|know)|like to ask (?:me|us)|your questions|"
                               r"ask me (?:anything|about)|(?:is there )?anything (?:you'?d like to know|"
                               r"you want to ask)|what would you like to know)"),
    ("salary_benefits", 5, r"\b(?:salary|pay|compensation|remuneration|package|benefits?|bonus|equity|"
                           r"pension|how much (?:are you|do you|would you)|offer came in below|base)\b"),
    ("offers_timeline", 5, r"\b(?:other (?:offers?|processes|companies|interviews|options)|offers? on the table|"
                           r"interviewing (?:elsewhere|anywhere else)|timeline|notice period|when could you start|"
                           r"start date|how soon|a decision from us|where does this role rank|rank among)\b"),
    ("weakness", 5, r"\b(?:weakness(?:es)?|areas? (?:for|of) (?:improvement|development)|need to work on|"
                    r"trying to improve|work hard to improve|improve about (?:yourself|how you work)|"
                    r"biggest flaw|would stretch you|development area|shortcoming)\b"),
    ("leaving_job", 5, r"\b(?:leav(?:e|ing) (?:your|the|my)|why (?:did|are|do) you (?:want to )?(?:leave|leaving|"
                       r"looking)|look(?:ing)? for a (?:move|new (?:role|job))|prompting you|"
                       r"moved? on|reason for leaving|previous employer|former employer|"
                       r"make you leave|pull(?:ing)? you away)\b"),
    ("about_yourself", 6, r"\b(?:tell (?:me|us) (?:a (?:little|bit) )?about yourself|about yourself|"
                          r"introduc(?:e|tion)(?: to)? yourself|walk me through your (?:cv|resume|background|career)|"
                          r"background in a couple of minutes|who you are|thread (?:that )?runs through your career|"
                          r"describe yourself)\b"),
    ("closing", 4, r"\b(?:anything (?:else )?(?:you'?d like )?to add|before we (?:finish|wrap)|"
                   r"why should we (?:invite|hire|choose|pick)|(?:one thing|what) you (?:most )?want us to remember|"
                   r"take back to the hiring team|final (?:thoughts|words)|over the other (?:finalists|candidates)|"
                   r"make your decision easier)\b"),
    ("opening", 4, r"\b(?:how are you(?: doing| feeling)?|congratulations on reaching|before we begin|"
                   r"how (?:have|has) (?:things|your \w+) been|"
                   r"welcome (?:back|to)|good to see you|how was your (?:journey|trip|day)|"
                   r"what would you (?:most )?like to (?:get out of|come away with)|"
                   r"what would you like us to (?:make sure we )?cover|finding the process)\b"),
    ("previous_round", 4, r"\b(?:first (?:round|interview)|earlier (?:rounds?|interviews?)|last (?:round|time we|"
                          r"conversation)|since we (?:last )?spoke|since your first|previous round|"
                          r"wished you had told|feedback (?:on|from) your|round one|(?:over )?these rounds|"
                          r"spoken to several|met several)\b"),
    ("company_research", 3, r"\b(?:what do you know about|come across about|"
                            r"(?:read|seen|heard) about (?:us|the company)|recent(?:ly)? (?:news|launch|announcement)|"
                            r"where (?:do you think )?(?:the company|we)(?:'re| are| is)? heading|"
                            r"heading over the next|(?:our|the) industry|our (?:customers|competitors|market)|"
                            r"worked on this year|look into this company|about our customers|is heading)\b"),
    ("motivation", 3, r"\b(?:why (?:do you want|us|this (?:company|role|job)|here|join)|"
                      r"what (?:draws|drew|attracts|excites|interests|is drawing) you|"
                      r"why (?:are you )?(?:interested|applying)|made you apply|"
                      r"where (?:would you like|do you see) (?:yourself|your career)|career (?:goals|to be)|"
                      r"in (?:three|five|\d+) (?:to (?:five|\d+) )?years|say yes|rather than at a similar|"
                      r"motivat\w*|want to join)\b"),
    ("ideas", 3, r"\b(?:ideas?|what would you (?:change|improve|try|propose|suggest|do differently)|"
                 r"you(?:'d| would) (?:like to )?(?:change|try|improve)|first (?:90|ninety|30|thirty|sixty|60) days|"
                 r"first three months|first monday|one thing you'?d (?:like to )?(?:try|change|improve)|"
                 r"(?:90|ninety|30|thirty|sixty) days|big bet|"
                 r"how would you (?:help|improve|grow|make)|better use of data|part of our product)\b"),
    ("culture_values", 3, r"\b(?:values?|culture|working style|way of working|team where you did your best|"
                          r"need from a manager|stay (?:and do your best work )?for years|"
                          r"clash(?:ed)? with|environment where|build(?:ing)? trust|new team)\b"),
    ("behavioural", 2, r"\b(?:tell (?:me|us) about a time|describe a (?:\w+ )?(?:time|situation)|"
                       r"give (?:me|us) an example|incident|escalation|(?:deal|account) you lost|"
                       r"didn't deliver|led people through|"
                       r"a time (?:when|you)|have you ever|disagree(?:ment)?|conflict|fail(?:ed|ure)?|mistake|"
                       r"toughest|hardest|difficult|under pressure|deadline|unhappy|hard to win over|hard problem|"
                       r"problem you (?:solved|faced|had)|went (?:badly )?wrong|"
                       r"more (?:important )?work than time|priorit\w+|persuad\w+|influenc\w+)\b"),
    ("qualifications", 2, r"\b(?:experience (?:with|in)|skills?|qualif\w+|proudest|piece of work|achievements?|"
                          r"accomplishments?|"
                          r"walk (?:me|us) through (?:a|the|your) (?:project|decision|design|piece)|"
                          r"design decision|technical|requirements?|portfolio|on your cv|"
                          r"get up to speed|complex project|new area|accountable for|quota|proud of)\b"),
    ("role_fit", 3, r"\b(?:sets you apart|what (?:would|can) you bring|ordinary week|typical (?:day|week)|"
                    r"strengths?|confident you can|from day one|looking forward to|balance \w+ (?:with|against)|"
                    r"offer (?:us|\w+) that few|few other people)\b"),
    ("role_fit", 1, r"\b(?:this (?:role|job|position)|the role|fit)\b"),
)
_COMPILED = tuple((category, weight, re.compile(pattern, re.IGNORECASE)) for category, weight, pattern in _CUES)
_STORY_OPENER = re.compile(r"\b(?:tell (?:me|us) about (?:a|an) (?:\w+ ){0,2}?(?:time|escalation|incident|deal|"
                           r"customer|client|period|moment|mistake|failure|disagreement|problem)|describe a time|"
                           r"give (?:me|us) an example)\b", re.IGNORECASE)


def classify_question(text: str) -> str:
    """The category of a question from its wording ('What is your greatest weakness?' ->
    'weakness'). A question with no recognisable cue is treated as one about fit."""
    folded = fold(text or "")
    scores: dict[str, int] = {}
    for category, weight, pattern in _COMPILED:
        hits = len(pattern.findall(folded))
        if hits:
            scores[category] = scores.get(category, 0) + weight * min(hits, 2)
    if _STORY_OPENER.search(folded):
        # 'Tell me about a time...' is a story unless a more specific topic claims it.
        scores["behavioural"] = scores.get("behavioural", 0) + 2
    if not scores:
        return "role_fit"
    order = list(dict.fromkeys(c for c, _, _ in _CUES))
    return max(scores, key=lambda c: (scores[c], -order.index(c)))
