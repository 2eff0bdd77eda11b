"""usage: mail-inspect.py MAILDIR [--html]

Reads every message the test SMTP server left in MAILDIR with Python's own
email package (the default policy, which records what it finds malformed)
and prints one JSON line per message: its headers of interest, MIME
structure, defects and, with --html, the HTML body.
"""
import email
import email.policy
import json
import mailbox
import sys


def describe(raw, with_html):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    html = message.get_body(preferencelist=("html",))
    text = message.get_body(preferencelist=("plain",))
    described = {
        "subject": message["Subject"],
        "from": message["From"],
        "to": message["To"],
        "message_id": message["Message-ID"],
        "date": message["Date"],
        "mime": [part.get_content_type() for part in message.walk()],
        "list_unsubscribe": message["List-Unsubscribe"],
        "list_unsubscribe_post": message["List-Unsubscribe-Post"],
        "html_chars": len(html.get_content()) if html else 0,
        "text_chars": len(text.get_content()) if text else 0,
        "defects": [type(defect).__name__ for defect in message.defects],
    }
    if with_html and html:
        described["html"] = html.get_content()
    return described


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
    for key in sorted(box.keys()):
        print(json.dumps(describe(box.get_bytes(key), "--html" in sys.argv), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
