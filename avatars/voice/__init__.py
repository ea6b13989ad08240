"""The voice engine shared by every live conversation (interview, tutor room): one voice
session (`pipeline`) composed of small stages (listener, speaker, timings, tasks), a transport
for the way in and out, and each conversation's responder and policy."""
