# Claude Code: add the server over Streamable HTTP with the bearer token.
claude mcp add --transport http daytona https://mcp.example.com/mcp \
  --header "Authorization: Bearer $DAYTONA_MCP_TOKEN"
