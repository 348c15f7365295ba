"""Escalation notifications: the timeline entry, the alert, the mailing-list mail and the tenant's notice."""
