"""Coaching that knows the question, on a simulated Discord: a candidate answers a whole
second round well except for two answers, and the report names those two and quotes them."""

from __future__ import annotations

import re

GOOD = {
    "welcome_back": "Good, thank you for having me back. Today I'd like to understand how the analytics team "
                    "decides which reports to retire.",
    "for_the_panel": "I'm a data analyst at a logistics firm, where I currently own the weekly delivery "
                     "dashboards. Before that I spent three years in finance reporting. I'm now looking for a "
                     "team where analysis shapes product decisions, which is why this role at Acme appeals.",
    "first_round_reflection": "Yes, the question about forecasting. I described our model in general terms and "
                              "never said what it achieved. I'd say now that I rebuilt the forecast in Python and "
                              "its error fell from 9% to 3% over four quarters.",
    "feedback_acted_on": "The recruiter told me my examples lacked figures. So I went back through my last two "
                         "projects, worked out the savings for each, and I've prepared them for today.",
    "experience_deep_dive": "At my last company our monthly reporting took 3 days. I was responsible for fixing it, "
                            "so I rebuilt the pipeline in SQL and automated the checks. As a result it now takes "
                            "4 hours and errors fell 40% within two months, which is the kind of work this role needs.",
    "job_description_match": "SQL and stakeholder reporting. I've written the queries behind our weekly board pack "
                             "for two years, and I present it myself. I'd need to grow into experiment design; I've "
                             "started a course on it this month.",
    "hardest_problem": "Last winter our depot data showed 30% of deliveries missing their slot. I was asked to find "
                       "out why, so I joined the scan logs to the route plans and found the scanners were offline "
                       "at two depots. I set up a daily check and we were back to 97% accurate within six weeks.",
    "lesson_applied": "That lesson about checking the data source came back in March. When a sales dip appeared, I "
                      "checked the feed first and found a broken import. I fixed it in a day, and as a result the "
                      "team did not cut a campaign that was actually working.",
    "idea_for_role": "Your weekly trading report is sent as a spreadsheet. I noticed on the careers page that teams "
                     "read it on their phones, so I'd test a short mobile summary for a month and measure how many "
                     "managers open it.",
    "values_in_practice": "Ownership. Last year I found an error in a report I had published. I told the finance "
                          "lead the same day, corrected it and added a check, and the error never came back.",
    "team_that_works": "My first team had a weekly review where anyone could question a number. I started the "
                       "same review in my current team myself, and it now runs every Thursday.",
    "new_colleagues": "I book a short one-to-one with each person in my first two weeks, ask what they need from "
                      "me, and deliver one small fix for them early so they see I listen.",
    "learning_quickly": "When I joined my current job I had to learn dbt in a month. I read the docs, paired with "
                        "our lead engineer twice a week and rebuilt one model myself. After five weeks I was "
                        "shipping models on my own.",
    "typical_week": "Mostly SQL and dashboards in the mornings, a review with the product team midweek and a "
                    "monthly board report, which I'd enjoy most, though the board deadline would be the hardest.",
    "why_us_now": "Your move into same-day delivery. The analyst here works on the routing data behind it, which is "
                  "exactly the problem I want to work on next, and round one made that clearer.",
    "data_changed_decision": "Our marketing team planned to cut the newsletter because open rates fell. I analysed "
                             "two years of orders and showed that newsletter readers spent 20% more. I presented "
                             "it myself, and the team kept the newsletter and changed its timing instead.",
    "data_bad_data": "I found that a dashboard the sales team relied on was double-counting refunds. I told the "
                     "sales director that morning, fixed the query and added a test. The numbers were right "
                     "from the next day.",
    "your_questions": "How will you judge whether the person in this role has had a good first six months? And what "
                      "is the team's biggest data headache at the moment?",
    "second_round_close": "Because I've already rebuilt reporting like yours and cut its run time from days to "
                          "hours. I'd love to do the same here. Thank you for your time.",
}
WEAK = {
    "recent_company_news": "I haven't looked, to be honest.",
    "why_move_now": "My boss is incompetent and the company is a mess, honestly. I can't stand it anymore.",
}


async def current_question_id(simcord_env, user_id: int) -> tuple[str, int]:
    session = (await simcord_env.bot.store.sessions.for_user(user_id))[0]
    answers = await simcord_env.bot.store.sessions.answers(session.id)
    return answers[-1].question_id, answers[-1].probe_index


async def test_the_report_names_the_weakest_answers_and_quotes_them(world, simcord_env):
    await world.candidate.slash(world.channel, "interview start", script="second_round", role="Data Analyst",
                                company="Acme", interviewer="Dana Lee, Head of Data")
    thread = world.thread()
    numbers: dict[str, int] = {}
    for _ in range(80):
        if world.reports(thread):
            break
        question_id, probe = await current_question_id(simcord_env, world.candidate.id)
        shown = world.current(thread)
        if probe:
            await world.candidate.click(shown, label="Skip")
            continue
        numbers[question_id] = int(re.match(r"Question (\d+)", shown.embeds[0].title).group(1))
        await world.candidate.send(thread, {**GOOD, **WEAK}[question_id])
        await world.candidate.click(world.current(thread), label="Done")
    assert world.reports(thread), "the interview did not finish"
    assert set(WEAK) <= set(numbers)

    body = "\n".join(e.description or "" for m in world.reports(thread) for e in m.embeds)
    section = body[body.index("Three things to work on"):]
    items = re.findall(r"(?m)^\d\. \*\*Question (\d+), ([^*]+)\*\*", section)
    named = [int(n) for n, _ in items]
    # The two weak answers come first, each named and quoted.
    assert sorted(named[:2]) == [numbers["recent_company_news"], numbers["why_move_now"]]
    assert dict(items)[str(numbers["why_move_now"])] == "why you are moving on"
    assert 'The words that cost most: "I haven\'t looked, to be honest."' in section
    assert "My boss is incompetent" in section
    assert "A strong answer to this kind of question mentions something current and specific" in section
    # What went well quotes a good answer, never one of the two weak ones.
    strengths = body[body.index("What went well"):body.index("Three things to work on")]
    assert '"' in strengths and "incompetent" not in strengths and "haven't looked" not in strengths

    transcript = (await world.reports(thread)[-1].attachments[0].read()).decode()
    news = transcript[transcript.index("I haven't looked, to be honest."):]
    assert "> - Fix (answering the question): This doesn't answer the question yet." in news.split("## ")[0]

    session = (await simcord_env.bot.store.sessions.for_user(world.candidate.id))[0]
    stored = {a["question_id"]: a for a in session.report["answers"]}
    assert stored["why_move_now"]["notes"][0]["signal"] == "negativity"
    assert set(session.report["weakest_questions"]) == set(WEAK)
    scores = [session.report["answers"][n - 1]["score"] for n in named]
    assert scores == sorted(scores)  # weakest first

    # On request, privately: the notes that matter most on each answer, with the costly words quoted.
    shown = await world.candidate.click(world.reports(thread)[-1], label="Notes on each answer")
    notes = "\n".join(e.description or "" for m in (shown.response, *shown.followups) for e in m.embeds)
    assert shown.ephemeral and "notes on each answer" in notes
    assert f"**Q{numbers['why_move_now']} · " in notes and "My boss is incompetent" in notes
