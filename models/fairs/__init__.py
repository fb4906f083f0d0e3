"""Job fairs (招聘会): attendees, fair postings, check-in and interview plans."""
