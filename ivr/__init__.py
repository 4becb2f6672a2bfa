"""The call flow: TwiML for each step, the webhook signature check, and intake of recordings."""
