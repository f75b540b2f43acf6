"""A tiny aiosmtpd handler for the tests: every mail received is written as one JSON file
(envelope sender and recipients, decoded From, To, Subject and plain-text body) into the
directory given on the command line, so that Rust tests can check what was sent.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.JsonSink DIR   (PYTHONPATH=scripts)
"""

import email
import email.policy
import json
import os
import time


class JsonSink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("JsonSink needs one argument: the directory to write mails to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        data = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(msg.get("From", "")),
            "to": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")),
            "content_type": msg.get_content_type(),
            "body": body.get_content() if body is not None else "",
        }
        name = f"{time.time_ns()}-{os.getpid()}"
        tmp = os.path.join(self.directory, f".{name}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(self.directory, f"{name}.json"))
        return "250 OK"
