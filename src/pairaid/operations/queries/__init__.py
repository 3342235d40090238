"""The read side of operations, one module per room (requests, teams, facilities, funds, reports)
and for the views across rooms (gaps, league): functions named for what they answer, batched per
page. They never write."""
