"""Channels other than the phone: e-mail out (SMTP) today; chat, e-mail in (IMAP), paper mail later.

A channel carries messages and routes nothing: which agent, queue or customer a message is for
is decided by the core and the CRM, which hand the channel a finished message to send.

Errors: :class:`ChannelError` is the root; :class:`callfloor.channels.mail.MailError` (the SMTP
server unreachable, refusing our login or the message) derives from it.
"""


class ChannelError(Exception):
    """Root of the channels' exceptions."""
