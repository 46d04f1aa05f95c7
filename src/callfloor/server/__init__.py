"""The asyncio driver: runs the HTTP application today; SIP/RTP transports, timers from
``core`` deadlines and action execution join it in the telephony issue. No business rule
lives here.
"""
