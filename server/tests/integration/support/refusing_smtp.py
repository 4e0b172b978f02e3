"""An aiosmtpd handler for the mail tests: keeps mail in a Maildir as aiosmtpd's own
Mailbox does, but answers some recipients as real SMTP servers do when they cannot take a
mail. A recipient whose local part starts with "bounce" is refused for good (550); one
starting with "later" is refused for now (451) the first time it is offered, then taken.

Started by support/smtp.rs as `python -m aiosmtpd --class refusing_smtp.Refusing MAILDIR`.
"""

from aiosmtpd.handlers import Mailbox


class Refusing(Mailbox):
    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.deferred = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("later") and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
