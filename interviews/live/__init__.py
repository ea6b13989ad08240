"""The live interview, without the socket: state snapshots, the ordered segment writer, the
coach's feedback and the follow-up it leads to, and the conversation that ties them to the
shared voice engine (`avatars.voice`). Tests drive `InterviewConversation` directly."""
