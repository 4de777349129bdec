package dev.polyglot.notification.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelId;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.server.HttpServer;

/**
 * The server's open channels by id, so that a WebSocket whose client reads nothing can be cut at the TCP level: its
 * close frame would wait forever behind the data it does not read. Closed channels leave the group by themselves.
 */
class ServerChannels implements NettyServerCustomizer {

    private final ChannelGroup channels = new DefaultChannelGroup("notification-clients", GlobalEventExecutor.INSTANCE);

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnConnection(connection -> channels.add(connection.channel()));
    }

    Channel find(ChannelId id) {
        return channels.find(id);
    }

    void cut(ChannelId id) {
        Channel channel = channels.find(id);
        if (channel != null) {
            channel.close();
        }
    }
}
