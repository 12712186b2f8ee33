"""Call-center reports (seed: Call Center Report): queue and agent performance, activity logs.

Layout: ``filters`` (what a report is asked for), ``query`` (the only SQL: aggregates and row
streams read from the event tables), pure modules that turn those rows into the seed's tables
(``queue_performance``, ``agent_performance``, ``agent_activity``, ``survey``, ``callbacks``),
``formatting`` (HH:MM:SS, percentages, local times), ``catalog`` (report type -> table, the
service the CLI and the portal call) and ``csv_export`` (streamed CSV).
"""
