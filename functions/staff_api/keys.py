"""Staff API: the emergency key register (应急钥匙, 000 §3.10): seal a unit's key, take it with the
client's permission or the emergency override, bring it back sealed again; after an override record
that the client was told; the monthly key-cabinet audit (docs/decisions/0024)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import KeyId, KeyUseId, MonthPath, SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.key_audit import CheckKey, FileAudit, KeyAuditView
from frontdesk.models.keys import KeyRegister, KeyUse, KeyView, NewKey, ReturnKey, TakeKey, TellClient
from frontdesk.wiring import key_audits, key_desk

router = new_router()


@router.post(
    "/staff/emergency-keys",
    summary="Register a unit's key sealed at move-in, with its seal number",
    responses={201: {"description": "Created"}},
)
def seal_key(actor: StaffActor, body: Annotated[NewKey, Body()]) -> tuple[KeyView, int]:
    return key_desk().seal(body, actor), 201


@router.get("/staff/sites/<site_id>/emergency-keys", summary="The site's sealed keys and the keys out now")
def key_register(actor: StaffActor, site_id: SitePath) -> KeyRegister:
    return key_desk().register(site_id, actor)


@router.get("/staff/emergency-keys/<key_id>", summary="A key and, while it is out, its use")
def read_key(actor: StaffActor, key_id: KeyId) -> KeyView:
    return key_desk().read(key_id, actor)


@router.post(
    "/staff/emergency-keys/<key_id>/take",
    summary=(
        "Take the key: the client's permission, or the override for water, fire, smoke or explosion; "
        "after hours also the stamped authorisation and an escort. Due back within 2 hours"
    ),
)
def take_key(actor: StaffActor, key_id: KeyId, body: Annotated[TakeKey, Body()]) -> KeyView:
    return key_desk().take(key_id, body, actor)


@router.post("/staff/emergency-keys/<key_id>/return", summary="Bring the key back, sealed again with a new seal")
def return_key(actor: StaffActor, key_id: KeyId, body: Annotated[ReturnKey, Body()]) -> KeyView:
    return key_desk().give_back(key_id, body, actor)


@router.post(
    "/staff/emergency-key-uses/<use_id>/client-told",
    summary="After an emergency override: who was told, how and when (meets the task's clock)",
)
def client_told(actor: StaffActor, use_id: KeyUseId, body: Annotated[TellClient, Body()]) -> KeyUse:
    return key_desk().tell_client(use_id, body, actor)


@router.get(
    "/staff/sites/<site_id>/key-audits/<month>",
    summary="The month's key-cabinet audit: keys to check, checks, discrepancies, due time",
)
def read_key_audit(actor: StaffActor, site_id: SitePath, month: MonthPath) -> KeyAuditView:
    return key_audits().read(site_id, month, actor)


@router.post(
    "/staff/sites/<site_id>/key-audits/<month>/start",
    summary="Start the month's key-cabinet audit: only on the 25th-27th, site-local",
)
def start_key_audit(actor: StaffActor, site_id: SitePath, month: MonthPath) -> KeyAuditView:
    return key_audits().start(site_id, month, actor)


@router.post("/staff/sites/<site_id>/key-audits/<month>/checks", summary="Check one key of the audit (once)")
def check_key(
    actor: StaffActor, site_id: SitePath, month: MonthPath, body: Annotated[CheckKey, Body()]
) -> KeyAuditView:
    return key_audits().check(site_id, month, body, actor)


@router.post(
    "/staff/sites/<site_id>/key-audits/<month>/file",
    summary="File the audit's result once every key is checked, with its discrepancies (due on the 28th)",
)
def file_key_audit(
    actor: StaffActor, site_id: SitePath, month: MonthPath, body: Annotated[FileAudit, Body()]
) -> KeyAuditView:
    return key_audits().file(site_id, month, body, actor)
