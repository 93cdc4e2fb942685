"""Sign-in and sessions: throttling, two-factor sign-in, session timeouts, password change and reset."""
