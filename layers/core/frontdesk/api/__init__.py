"""What both API functions share: the resolver, error mapping, language, callers, idempotent intake."""
