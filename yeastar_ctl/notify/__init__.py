"""Email notifications to queue managers (seed: Customize Queue Notification), SLA alarms and
scheduled reports. Nothing here may slow down or break a call: mail goes out in background
tasks and failures are logged."""
