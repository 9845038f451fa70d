"""Text for people and files for other programs: catalogs, messages, names, times, screens,
help, the daemon's log, and the calendar, CSV and chart writers."""
