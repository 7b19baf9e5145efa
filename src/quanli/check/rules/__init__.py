"""Rule modules. Each registers its rules in quanli.check.registry.RULES."""
