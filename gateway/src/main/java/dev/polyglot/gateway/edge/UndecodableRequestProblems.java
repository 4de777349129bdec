package dev.polyglot.gateway.edge;

import dev.polyglot.contracts.ProblemType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.NettyPipeline;

/**
 * A request Netty cannot decode (a request line longer than the limit, headers too large, a header with a control
 * character) never reaches Spring: Reactor Netty answers it itself, with a bare status and no body. This handler sits
 * right after the HTTP codec and answers those requests with the platform's problem+json instead (414, 431 or 400,
 * each with its problem type), then closes the connection, whose remaining bytes cannot be trusted.
 */
@ChannelHandler.Sharable
final class UndecodableRequestProblems extends ChannelInboundHandlerAdapter {

    static final String NAME = "polyglot.undecodableRequestProblems";
    static final UndecodableRequestProblems INSTANCE = new UndecodableRequestProblems();
    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf(NAME + ".answered");
    private static final long DRAIN_SECONDS = 2;

    /** Installs the handler on every connection the gateway accepts. */
    static NettyServerCustomizer customizer() {
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(NAME) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, INSTANCE);
            }
        });
    }

    private UndecodableRequestProblems() {
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (!(message instanceof HttpObject http) || http.decoderResult().isSuccess()) {
            context.fireChannelRead(message);
            return;
        }
        DecoderResult result = http.decoderResult();
        ReferenceCountUtil.release(message);
        if (!context.channel().isActive() || context.channel().attr(ANSWERED).getAndSet(Boolean.TRUE) != null) {
            return; // one answer per connection; what follows a broken request is dropped with it
        }
        HttpResponseStatus status = statusOf(result.cause());
        ProblemType type = ProblemType.forStatus(status.code());
        String body = "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + status.code()
                + ",\"detail\":\"" + detailOf(status) + "\"}"; // constant texts: nothing to escape
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Content-Type-Options", "nosniff");
        // Half-close: the client may still be sending the rest of its request; closing at once with unread bytes would
        // reset the connection and could destroy this answer before the client reads it. What still arrives is dropped
        // (ANSWERED), and the connection is closed for good shortly after.
        context.writeAndFlush(response).addListener(written -> {
            if (context.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                context.executor().schedule(() -> context.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
            } else {
                context.close();
            }
        });
    }

    static HttpResponseStatus statusOf(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static String detailOf(HttpResponseStatus status) {
        return switch (status.code()) {
            case 414 -> "The request line is longer than the gateway accepts.";
            case 431 -> "The request's headers are larger than the gateway accepts.";
            default -> "The request is not valid HTTP (a malformed request line or header).";
        };
    }
}
