"""All the repositories of one tenant, opened together on one session."""

from sqlalchemy.orm import Session

from callfloor.storage.appointments import AppointmentRepository, BusyTimeRepository, CalendarRepository
from callfloor.storage.contacts import AccountRepository, ContactRepository, CustomFieldRepository
from callfloor.storage.interactions import InteractionRepository
from callfloor.storage.repositories import (
    AgentRepository,
    DispositionRepository,
    InteractionLog,
    IvrFlowRepository,
    NumberRepository,
    QueueRepository,
    RecordingRepository,
    SkillRepository,
    TrunkRepository,
    UserRepository,
)
from callfloor.storage.sales import OrderRepository, ProductRepository, QuoteRepository
from callfloor.storage.scripts import CallScriptRepository, SurveyRepository
from callfloor.storage.surveys import SurveyAnswerRepository
from callfloor.storage.tickets import (
    ScheduleRepository,
    TeamRepository,
    TicketCategoryRepository,
    TicketRepository,
)
from callfloor.storage.webhooks import WebhookRepository


class TenantScope:
    """One tenant's view of the database; every attribute is tenant-scoped."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.skills = SkillRepository(session, tenant_id)
        self.queues = QueueRepository(session, tenant_id)
        self.agents = AgentRepository(session, tenant_id)
        self.users = UserRepository(session, tenant_id)
        self.dispositions = DispositionRepository(session, tenant_id)
        self.numbers = NumberRepository(session, tenant_id)
        self.ivr_flows = IvrFlowRepository(session, tenant_id)
        self.call_scripts = CallScriptRepository(session, tenant_id)
        self.surveys = SurveyRepository(session, tenant_id)
        self.recordings = RecordingRepository(session, tenant_id)
        self.trunks = TrunkRepository(session, tenant_id)
        self.log = InteractionLog(session, tenant_id)
        self.contacts = ContactRepository(session, tenant_id)
        self.accounts = AccountRepository(session, tenant_id)
        self.custom_fields = CustomFieldRepository(session, tenant_id)
        self.products = ProductRepository(session, tenant_id)
        self.quotes = QuoteRepository(session, tenant_id)
        self.orders = OrderRepository(session, tenant_id)
        self.tickets = TicketRepository(session, tenant_id)
        self.teams = TeamRepository(session, tenant_id)
        self.ticket_categories = TicketCategoryRepository(session, tenant_id)
        self.schedule = ScheduleRepository(session, tenant_id)
        self.interactions = InteractionRepository(session, tenant_id)
        self.calendars = CalendarRepository(session, tenant_id)
        self.busy_times = BusyTimeRepository(session, tenant_id)
        self.appointments = AppointmentRepository(session, tenant_id)
        self.webhooks = WebhookRepository(session, tenant_id)
        self.survey_answers = SurveyAnswerRepository(session, tenant_id)
