"""The pure core: events, the catalogue of steps, trade state, decisions, deadlines, rules,
money and input forms. No storage, no command line, no settings, no text for people."""
