"""Sign-in guessing (issue 14, item 2): a global budget of wrong guesses, cheap refusals once
it is spent, a per-client wait that never slows anyone else — real threads, injected clock."""

import threading

from cufmap.app import auth
from cufmap.settings import load

from .conftest import run_page

RIGHT = "bon-mot-de-passe"
FAST_HASH = auth.hash_password(RIGHT, iterations=1000)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def counting_check(calls):
    def check(password, encoded):
        calls.append(password)
        return auth.check_password(password, encoded)
    return check


def test_ten_sessions_guessing_in_parallel_get_at_most_the_budget_per_minute():
    clock, calls = Clock(), []
    guard = auth.Guard(budget=5, period=60, clock=clock, check=counting_check(calls))
    start = threading.Barrier(10)
    answers = []

    def session(i):
        start.wait()
        for n in range(20):  # each session guesses as fast as the server answers
            answers.append(guard.attempt(f"session:{i}", f"essai-{i}-{n}", FAST_HASH))

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [a for a in answers if a.checked]
    assert len(answers) == 200
    assert len(checked) == 5 and len(calls) == 5  # the budget, and not one hash more
    refused = [a for a in answers if not a.checked]
    assert all(not a.ok and a.message for a in refused)
    assert any("Réessayez dans 60 s" in a.message for a in refused)
    # a minute later the budget is back, for the same number of guesses again
    clock.now += 61
    again = [guard.attempt(f"autre:{i}", "faux", FAST_HASH) for i in range(8)]
    assert sum(a.checked for a in again) == 5


def test_once_spent_the_right_password_waits_for_the_period_then_works():
    clock, calls = Clock(), []
    guard = auth.Guard(budget=3, period=60, clock=clock, check=counting_check(calls))
    for i in range(3):
        assert guard.attempt(f"ip:10.0.0.{i}", "faux", FAST_HASH).message == auth.WRONG
    blocked = guard.attempt("ip:10.0.0.9", RIGHT, FAST_HASH)
    assert not blocked.ok and not blocked.checked and "suspendues" in blocked.message
    assert len(calls) == 3  # refused without hashing
    clock.now += 60
    assert guard.attempt("ip:10.0.0.9", RIGHT, FAST_HASH).ok


def test_a_right_password_does_not_use_up_the_budget():
    guard = auth.Guard(budget=2, period=60, clock=Clock())
    for _ in range(5):
        assert guard.attempt("ip:10.0.0.1", RIGHT, FAST_HASH).ok
    assert guard.attempt("ip:10.0.0.2", "faux", FAST_HASH).checked


def test_one_clients_failures_never_slow_down_another():
    clock, calls = Clock(), []
    guard = auth.Guard(budget=100, period=60, clock=clock, check=counting_check(calls))
    waits = []
    for _ in range(4):
        clock.now += guard.wait("ip:10.0.0.1")
        assert guard.attempt("ip:10.0.0.1", "faux", FAST_HASH).checked
        waits.append(guard.wait("ip:10.0.0.1"))
    assert waits == [1, 2, 4, 8]
    early = guard.attempt("ip:10.0.0.1", RIGHT, FAST_HASH)
    assert not early.ok and not early.checked and "patientez 8 s" in early.message
    colleague = guard.attempt("ip:10.0.0.2", RIGHT, FAST_HASH)
    assert colleague.ok and guard.wait("ip:10.0.0.2") == 0
    clock.now += 8
    assert guard.attempt("ip:10.0.0.1", RIGHT, FAST_HASH).ok
    assert guard.wait("ip:10.0.0.1") == 0  # success forgets the failures
    for _ in range(20):
        clock.now += guard.wait("ip:10.0.0.3")
        guard.attempt("ip:10.0.0.3", "faux", FAST_HASH)
    assert guard.wait("ip:10.0.0.3") == 30.0  # capped


def test_the_client_comes_from_the_trusted_proxy_header_else_the_session():
    behind_proxy = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    assert auth.client_key(behind_proxy, "127.0.0.1", "s1", "x-forwarded-for") == \
        "ip:198.51.100.7"  # the entry the proxy added (the client can forge the others)
    # not configured: the header is ignored (anyone could send it)
    assert auth.client_key(behind_proxy, "127.0.0.1", "s1") == "session:s1"
    assert auth.client_key({}, "::1", "s2") == "session:s2"
    assert auth.client_key({}, "", "s3") == "session:s3"
    assert auth.client_key({}, "192.0.2.4", "s4") == "ip:192.0.2.4"
    cfg = auth.config(load({"cufmap": {"mot_de_passe_hash": FAST_HASH, "essais_par_minute": 4,
                                       "entete_adresse_client": "X-Real-IP"}}, {}))
    assert (cfg.guesses_per_minute, cfg.client_header) == (4, "X-Real-IP")
    assert auth.config(load({}, {"CUFMAP_PASSWORD_HASH": FAST_HASH,
                                 "CUFMAP_ENTETE_ADRESSE_CLIENT": "X-Real-IP"})) \
        .client_header == "X-Real-IP"


def test_the_sign_in_form_answers_in_french_without_waiting(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "GUARD", auth.Guard(clock=clock))
    at = run_page("pages/edition.py", secrets={"cufmap": {"mot_de_passe_hash": FAST_HASH,
                                                          "essais_par_minute": 2}})
    at.text_input(key="ed_password").input(RIGHT)
    at.button[0].click().run()  # no name: refused, even with the right password
    assert "Indiquez votre nom" in at.error[0].value
    assert "ed_signed_in" not in at.session_state
    at.text_input(key="ed_name").input("Alice")
    messages = []
    for _ in range(3):
        at.text_input(key="ed_password").input("faux")
        at.button[0].click().run()
        messages.append(at.error[0].value)
    assert messages[0] == auth.WRONG
    assert "patientez 1 s" in messages[1]
    clock.now += 5
    at.text_input(key="ed_password").input("faux")
    at.button[0].click().run()
    assert at.error[0].value == auth.WRONG
    clock.now += 5
    at.text_input(key="ed_password").input(RIGHT)
    at.button[0].click().run()
    assert "suspendues" in at.error[0].value  # two wrong guesses: this minute's budget is spent
