"""The onboarding contract suite: the platform's behaviour as pytest tests, runnable against any target."""
