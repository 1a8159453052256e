"""zwfw: the weekly metrics pipeline of the government-service capability bulletin."""
