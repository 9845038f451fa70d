"""The reminder daemon: plans reminders from open deadlines and delivers them."""
