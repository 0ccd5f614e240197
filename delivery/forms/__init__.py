"""The delivery plan's forms, by the pages that use them."""
