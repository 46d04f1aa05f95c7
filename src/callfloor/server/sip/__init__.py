"""The SIP side of the asyncio server: UDP and TCP transports, and the endpoint that runs the
core's transaction layer and registrar on them. Protocol logic lives in ``callfloor.core.sip``;
here are sockets, timers and the database look-ups.
"""
