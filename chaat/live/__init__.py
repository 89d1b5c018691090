"""Live delivery: everything between a committed change and the sockets that show it.

- `realtime`: events addressed to users (`publish_on_commit`, `apublish`) and the group of each user;
- `presence`: who is online, across server processes;
- `layers`: the channels-redis layers with a deadline on every call;
- `layer_watch`: closes a process's sockets when its layer may have dropped events.

The consumer that holds the sockets is messaging's (`messaging/consumers.py`); the payload of each
event is built in its app's `events.py`.
"""
