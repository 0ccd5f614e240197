"""The load run's journey, for locust: signed-in officers reading pages, opening their actions and
submitting updates, in the proportions 6 : 3 : 1, with no pause between requests.

`bench.load` writes the journey (each simulated person's session and pages) to the JSON file named by
BENCH_JOURNEY; each locust user takes one person, so that no two submit to the same action.
"""

import itertools
import json
import os
import random
from http.cookiejar import Cookie
from pathlib import Path

from locust import FastHttpUser, constant, task

from bench.pages import hidden_inputs

JOURNEY = json.loads(Path(os.environ["BENCH_JOURNEY"]).read_text())
PEOPLE = itertools.count()  # every locust user runs in this one process
UPDATE = {
    "rating": "green",
    "percent_complete": "70",
    "narrative": "Partners delivered the quarter's sessions as planned.",
    "issues_and_risks": "",
    "mitigation": "",
    "board_ask": "",
    "exceptional_performance_reason": "",
    "submit": "Submit update",
}


def cookie(name: str, value: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


class Member(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.person = JOURNEY["people"][next(PEOPLE) % len(JOURNEY["people"])]
        self.client.cookiejar.set_cookie(cookie(self.person["cookie_name"], self.person["cookie"]))

    @task(6)
    def read_a_page(self):
        path = random.choice(self.person["reading"])  # noqa: S311 - choosing a page, not a secret
        self.client.get(path, name=path.split("?")[0])

    @task(3)
    def open_an_action(self):
        path = random.choice(self.person["action_pages"])  # noqa: S311
        self.client.get(path, name="action pages")

    @task(1)
    def submit_an_update(self):
        path = random.choice(self.person["submits"])  # noqa: S311
        form = self.client.get(path, name="update form, before a submit")
        if form.status_code != 200:
            return
        with self.client.post(
            path,
            data={**hidden_inputs(form.text), **UPDATE},
            name="update submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}, not 302")
