"""A discord.py 2.7 bot pointed at an Accord server: answers "!ping" with "pong".

Run by tests/discord_py.rs with the API root, the gateway URL and the bot token; it exits
after answering once (or after its deadline), printing what it saw for the test to check.
"""

import asyncio
import sys

import discord
import yarl
from discord.http import Route


def main() -> int:
    api, gateway, token, deadline = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway + "/")

    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(intents=intents)

    @client.event
    async def on_ready() -> None:
        names = sorted(g.name for g in client.guilds)
        print(f"READY user={client.user.id} guilds={names}", flush=True)

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.content == "!ping":
            reply = await message.channel.send("pong")
            print(f"ANSWERED {reply.id} in {message.channel.id}", flush=True)
            await client.close()

    async def run() -> None:
        async with client:
            await asyncio.wait_for(client.start(token), timeout=deadline)

    try:
        asyncio.run(run())
    except asyncio.TimeoutError:
        print("TIMEOUT", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
