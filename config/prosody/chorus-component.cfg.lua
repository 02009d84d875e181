-- Chorus on Prosody 0.12: the two blocks to add to /etc/prosody/prosody.cfg.lua
-- (or to a file in /etc/prosody/conf.d/). Replace example.org with your domain.

-- 1. The MUC service. The gateway's domain must be an admin of it, so that the gateway can enter
--    members-only rooms and read their member lists. The match is exact: only the bare domain
--    "av.example.org" counts, which is what the gateway's room occupants use.
Component "conference.example.org" "muc"
    admins = { "av.example.org" }
    -- Optional: stanza-ids on room messages, used for the call-invite retract id (PROTOCOL.md §4).
    modules_enabled = { "muc_mam" }

-- 2. The gateway itself, as an external component (XEP-0114). The secret must equal
--    chorus.xmpp.secret (or CHORUS_XMPP_SECRET) in the gateway's settings.
Component "av.example.org"
    component_secret = "change-me-to-a-long-random-secret"

-- Prosody listens for components on 127.0.0.1:5347 by default. To change it:
-- component_ports = { 5347 }
-- component_interfaces = { "127.0.0.1" }
