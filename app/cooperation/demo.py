"""Demo service requests between demo members (filled in below when the demo data is loaded)."""
