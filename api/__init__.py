"""The platform's read API: client settings for the Inbound panel, the
conversation engine and reporting. Writes stay in the admin UI and commands."""
