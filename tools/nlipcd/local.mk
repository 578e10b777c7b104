# nlipcd: written next.
