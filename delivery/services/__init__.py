"""The delivery plan's writes, by area: updates, actions, periods, reminders."""
