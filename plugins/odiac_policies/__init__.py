"""odiac's built-in policies: the refusal checklist and plan-time hints."""
