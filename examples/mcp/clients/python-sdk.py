"""Connect with the official MCP Python SDK (pip install mcp) and call a tool."""

import asyncio
import os

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


async def main():
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {os.environ['DAYTONA_MCP_TOKEN']}"})
    async with Client(streamable_http_client("https://mcp.example.com/mcp", http_client=http)) as client:
        tools = await client.list_tools()
        print([t.name for t in tools.tools])
        result = await client.call_tool("list_sandboxes", {"limit": 5})
        print(result.structured_content)


asyncio.run(main())
