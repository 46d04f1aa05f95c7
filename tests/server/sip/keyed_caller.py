"""A sipp caller that walks an IVR: keys at set times (RFC 4733, or SIP INFO for * and #), then hangs up or is hung up.

The scenario is written for each test from a list of steps, so that a test says what the
caller does ("wait 4 s, press 2, wait 3 s, press 1") rather than pointing at one more XML file.
RFC 4733 keys come from sip-tester's pcaps (``dtmf_2833_<digit>.pcap``, digits only); two keys
in a row are separated by a short burst of speech, as in ``call_menu.xml``: the same pcap played
twice would repeat its RTP timestamp, which a receiver rightly takes for a retransmission of the
first key (RFC 4733 §2.5.1.3). ``*`` and ``#`` go by SIP INFO (application/dtmf-relay).
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

PCAPS = Path("/usr/share/sip-tester")

_INVITE = """
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""

_INFO = """
  <send>
    <![CDATA[

      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} INFO
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
"""

_BYE = """
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} BYE
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
"""

# We hang up: answer our BYE (and ignore a re-sent INFO answer on the way).
_HUNG_UP = """
  <recv request="BYE" timeout="{timeout_ms}"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
"""


def _play(pcap: Path) -> str:
    return f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'


@dataclass(frozen=True)
class KeyedCaller:
    """What the caller does once answered: ``steps`` of ``"wait:<seconds>"``, ``"speak"`` (about 7 s
    of speech starts, the steps go on meanwhile) or a key ``"0"``…``"9"``, ``"*"``, ``"#"``.

    ``ends``: ``"hangup"`` (the caller hangs up after the steps) or ``"hung_up"`` (the caller
    waits, up to ``wait_s``, for our BYE).
    """

    steps: tuple[str, ...]
    ends: str = "hangup"
    caller: str = "0612345678"
    wait_s: float = 60.0

    def scenario(self) -> str:
        """The sipp XML scenario."""
        parts = ['<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="keyed caller">']
        parts.append(_INVITE.format(caller=self.caller))
        cseq = 2
        keyed_before = False
        for step in self.steps:
            if step.startswith("wait:"):
                parts.append(f'  <pause milliseconds="{round(float(step[5:]) * 1000)}"/>\n')
            elif step == "speak":
                parts.append(_play(PCAPS / "g711a.pcap"))
                keyed_before = False
            elif step in ("*", "#"):
                parts.append(_INFO.format(caller=self.caller, cseq=cseq, key=step))
                cseq += 1
            elif step.isdigit() and len(step) == 1:
                if keyed_before:  # a new RTP stream between two keys (see the module's docstring)
                    parts.append(_play(PCAPS / "g711a.pcap"))
                    parts.append('  <pause milliseconds="300"/>\n')
                parts.append(_play(PCAPS / f"dtmf_2833_{step}.pcap"))
                parts.append('  <pause milliseconds="300"/>\n')
                keyed_before = True
            else:
                raise ValueError(f"unknown step {step!r}")
        if self.ends == "hangup":
            parts.append(_BYE.format(caller=self.caller, cseq=cseq))
        else:
            parts.append(_HUNG_UP.format(timeout_ms=round(self.wait_s * 1000)))
        parts.append("</scenario>\n")
        return "".join(parts)

    def start(self, port: int, dialed: str, workdir: Path) -> subprocess.Popen[bytes]:
        """sipp dialing ``dialed`` on our endpoint at ``port``, running this scenario once."""
        path = workdir / f"keyed-{id(self)}.xml"
        path.write_text(self.scenario(), encoding="ascii")
        command = [
            "sipp", f"127.0.0.1:{port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
            "-m", "1", "-s", dialed, "-sf", str(path), "-timeout", f"{round(self.wait_s + 60)}s",
            "-timeout_error", "-nostdin", "-trace_err",
        ]  # fmt: skip
        return subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
