"""The reminder daemon: plans reminders from the log, delivers them, records them as sent."""
