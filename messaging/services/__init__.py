"""Every change to chats and messages, one module per family of change (as Zulip's zerver/actions):

- `chats`: create a group, rename it, get or create a direct chat, create a match chat, leave one
  chat or all of them, purge chats;
- `members`: add and remove group members, change their role, a member's own settings in a chat;
- `sending`: send_message, and the checks it shares with edits and reactions;
- `editing`: edit and delete a message (also as staff), add and remove reactions;
- `reading`: read markers and typing.

Callers import a function from the module that owns it (`from messaging.services.sending import
send_message`). Each function is one transaction; events go out after commit.
"""
