"""The desk's customer file panel (« Fiche »): what an agent does for the caller during or after the call.

For the contact of the current call's screen pop, or of the last call once it has ended (the
wrap-up): a note on the call (``POST /api/interactions/{id}/note``), a ticket opened and a
level-1 ticket escalated to level 2 (``/api/tickets``), the order taken from one of the
contact's open quotes (``POST /api/quotes/{id}/order``), an appointment booked in a rep's free
slot (``/api/calendars``, ``/api/appointments/slots``, ``POST /api/appointments``) and a callback
scheduled at a time in the tenant's zone (``POST /api/callbacks``). For a caller whose number
matches nobody, the panel creates their file (``POST /api/contacts``, with an account when a
company is given) or finds them under another number (``GET /api/contacts?q=``), and links the
call to them (``POST /api/interactions/{id}/contact``, :mod:`callfloor.api.routes.call_contact`):
the rest of the panel then acts for them, and the call's record carries them. The frame is
``templates/desk_crm.html``, included by the desk; ``static/desk_crm.js`` fills it when a call
is announced with its screen pop (the ``callfloor:call`` event on ``document``): by ``desk.js``
for an inbound call and for a campaign's conversation (a relance de devis: the lead's contact,
``GET /api/interactions/{id}/screen-pop``), by ``desk_callbacks.js`` for a scheduled callback
once the customer answers. Outbound or inbound, the panel acts on the call's interaction id.
Every action says what the API answered, success or refusal, in the page's language.
"""

from callfloor.web.nav import N_

#: The texts desk_crm.js shows, merged into the desk's (keys start with ``crm_``).
CRM_TEXTS = {
    "crm_current": N_("Current call"),
    "crm_last": N_("Last call"),
    "crm_unknown": N_(
        "Unknown caller: create their customer file or find it, to act for them. "
        "The note still goes on the call."
    ),
    "crm_note_live": N_("Note kept with the call: it is saved on the call's record when it ends."),
    "crm_note_saved": N_("Note saved on the call."),
    "crm_ticket_created": N_("Ticket {number} created."),
    "crm_escalated": N_("Ticket {number} escalated to level 2 ({team})."),
    "crm_no_ticket": N_("No level-1 ticket being worked."),
    "crm_no_team": N_("No level-2 team is set up."),
    "crm_ordered": N_("Order {number} taken ({amount} incl. VAT)."),
    "crm_no_quote": N_("No quote to order."),
    "crm_take_order": N_("Take the order"),
    "crm_take_order_of": N_("Take the order of quote {number}"),
    "crm_valid_until": N_("valid until {day}"),
    "crm_quote_sent": N_("sent"),
    "crm_quote_accepted": N_("accepted"),
    "crm_slots": N_("Free slots: {count}"),
    "crm_no_slot": N_("No free slot in the 7 days from that day."),
    "crm_no_calendar": N_("No sales rep calendar is set up."),
    "crm_booked": N_("Appointment booked: {when}."),
    "crm_callback": N_("Callback scheduled: {when}."),
    "crm_category_priority": N_("The category's"),
    "crm_created": N_("File of {name} created and linked to the call."),
    "crm_linked": N_("Call linked to {name}."),
    "crm_number_added": N_("Call linked to {name}; the number is added to their file."),
    "crm_found_none": N_("Nobody found."),
    "crm_choose": N_("Choose"),
    "crm_choose_who": N_("Choose {name}"),
    "crm_names_needed": N_("First and last name are needed."),
}
