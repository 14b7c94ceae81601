#!/usr/bin/env python3
"""An SMTP server for the e-mail transport tests: accepts mail on 127.0.0.1 (plain + STARTTLS
on --port, implicit TLS on --tls-port), requires AUTH PLAIN/LOGIN as the one test user, and
saves every message it accepts into --spool as NAME.eml (the bytes as received) plus NAME.json
(the envelope), the .json written last so a reader never sees half a message.

Recipients at reject.vinculo.test get a permanent 550, at defer.vinculo.test a transient 451,
so the client's failure classification is tested against a real server."""
import argparse
import itertools
import json
import logging
import os
import ssl
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Spool:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.vinculo.test":
            return "550 5.1.1 No such user here"
        if domain == "defer.vinculo.test":
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            name = f"{time.time_ns()}-{os.getpid()}-{next(self.counter)}"
        base = os.path.join(self.directory, name)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": session.auth_data.login.decode() if session.authenticated else None,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 Saved as " + name


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls-port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--spool", required=True)
    a = p.parse_args()
    # It warns on every connection that AUTH without TLS is allowed: on loopback that is meant.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(a.spool, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == a.user
            and auth_data.password.decode() == a.password
        )
        # handled=False: aiosmtpd itself answers 535 to a refusal.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)
    handler = Spool(a.spool)
    common = dict(
        authenticator=authenticator,
        auth_required=True,
        # Loopback only: AUTH without TLS is what the clients' Security::None mode exercises.
        auth_require_tls=False,
    )
    plain = Controller(handler, hostname=a.host, port=a.port, tls_context=tls,
                       require_starttls=False, **common)
    implicit = Controller(handler, hostname=a.host, port=a.tls_port, ssl_context=tls, **common)
    plain.start()
    implicit.start()
    print(f"smtp-sink on {a.host}:{a.port} (STARTTLS) and {a.tls_port} (TLS), spool {a.spool}",
          flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
