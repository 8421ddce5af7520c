package dev.standby.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * StandbyService is what CI systems, the CLI and people talk to.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: standby/v1/standby.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class StandbyServiceGrpc {

  private StandbyServiceGrpc() {}

  public static final String SERVICE_NAME = "standby.v1.StandbyService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.CreateClaimRequest,
      dev.standby.v1.CreateClaimResponse> getCreateClaimMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateClaim",
      requestType = dev.standby.v1.CreateClaimRequest.class,
      responseType = dev.standby.v1.CreateClaimResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.CreateClaimRequest,
      dev.standby.v1.CreateClaimResponse> getCreateClaimMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.CreateClaimRequest, dev.standby.v1.CreateClaimResponse> getCreateClaimMethod;
    if ((getCreateClaimMethod = StandbyServiceGrpc.getCreateClaimMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getCreateClaimMethod = StandbyServiceGrpc.getCreateClaimMethod) == null) {
          StandbyServiceGrpc.getCreateClaimMethod = getCreateClaimMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.CreateClaimRequest, dev.standby.v1.CreateClaimResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateClaim"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CreateClaimRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CreateClaimResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("CreateClaim"))
              .build();
        }
      }
    }
    return getCreateClaimMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.WatchClaimRequest,
      dev.standby.v1.WatchClaimResponse> getWatchClaimMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchClaim",
      requestType = dev.standby.v1.WatchClaimRequest.class,
      responseType = dev.standby.v1.WatchClaimResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.standby.v1.WatchClaimRequest,
      dev.standby.v1.WatchClaimResponse> getWatchClaimMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.WatchClaimRequest, dev.standby.v1.WatchClaimResponse> getWatchClaimMethod;
    if ((getWatchClaimMethod = StandbyServiceGrpc.getWatchClaimMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getWatchClaimMethod = StandbyServiceGrpc.getWatchClaimMethod) == null) {
          StandbyServiceGrpc.getWatchClaimMethod = getWatchClaimMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.WatchClaimRequest, dev.standby.v1.WatchClaimResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchClaim"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.WatchClaimRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.WatchClaimResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("WatchClaim"))
              .build();
        }
      }
    }
    return getWatchClaimMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.GetClaimRequest,
      dev.standby.v1.GetClaimResponse> getGetClaimMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetClaim",
      requestType = dev.standby.v1.GetClaimRequest.class,
      responseType = dev.standby.v1.GetClaimResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.GetClaimRequest,
      dev.standby.v1.GetClaimResponse> getGetClaimMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.GetClaimRequest, dev.standby.v1.GetClaimResponse> getGetClaimMethod;
    if ((getGetClaimMethod = StandbyServiceGrpc.getGetClaimMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getGetClaimMethod = StandbyServiceGrpc.getGetClaimMethod) == null) {
          StandbyServiceGrpc.getGetClaimMethod = getGetClaimMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.GetClaimRequest, dev.standby.v1.GetClaimResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetClaim"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetClaimRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetClaimResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("GetClaim"))
              .build();
        }
      }
    }
    return getGetClaimMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.CancelClaimRequest,
      dev.standby.v1.CancelClaimResponse> getCancelClaimMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelClaim",
      requestType = dev.standby.v1.CancelClaimRequest.class,
      responseType = dev.standby.v1.CancelClaimResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.CancelClaimRequest,
      dev.standby.v1.CancelClaimResponse> getCancelClaimMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.CancelClaimRequest, dev.standby.v1.CancelClaimResponse> getCancelClaimMethod;
    if ((getCancelClaimMethod = StandbyServiceGrpc.getCancelClaimMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getCancelClaimMethod = StandbyServiceGrpc.getCancelClaimMethod) == null) {
          StandbyServiceGrpc.getCancelClaimMethod = getCancelClaimMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.CancelClaimRequest, dev.standby.v1.CancelClaimResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelClaim"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CancelClaimRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CancelClaimResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("CancelClaim"))
              .build();
        }
      }
    }
    return getCancelClaimMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.RenewLeaseRequest,
      dev.standby.v1.RenewLeaseResponse> getRenewLeaseMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RenewLease",
      requestType = dev.standby.v1.RenewLeaseRequest.class,
      responseType = dev.standby.v1.RenewLeaseResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.RenewLeaseRequest,
      dev.standby.v1.RenewLeaseResponse> getRenewLeaseMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.RenewLeaseRequest, dev.standby.v1.RenewLeaseResponse> getRenewLeaseMethod;
    if ((getRenewLeaseMethod = StandbyServiceGrpc.getRenewLeaseMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getRenewLeaseMethod = StandbyServiceGrpc.getRenewLeaseMethod) == null) {
          StandbyServiceGrpc.getRenewLeaseMethod = getRenewLeaseMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.RenewLeaseRequest, dev.standby.v1.RenewLeaseResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RenewLease"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.RenewLeaseRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.RenewLeaseResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("RenewLease"))
              .build();
        }
      }
    }
    return getRenewLeaseMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ReleaseLeaseRequest,
      dev.standby.v1.ReleaseLeaseResponse> getReleaseLeaseMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReleaseLease",
      requestType = dev.standby.v1.ReleaseLeaseRequest.class,
      responseType = dev.standby.v1.ReleaseLeaseResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ReleaseLeaseRequest,
      dev.standby.v1.ReleaseLeaseResponse> getReleaseLeaseMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ReleaseLeaseRequest, dev.standby.v1.ReleaseLeaseResponse> getReleaseLeaseMethod;
    if ((getReleaseLeaseMethod = StandbyServiceGrpc.getReleaseLeaseMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getReleaseLeaseMethod = StandbyServiceGrpc.getReleaseLeaseMethod) == null) {
          StandbyServiceGrpc.getReleaseLeaseMethod = getReleaseLeaseMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ReleaseLeaseRequest, dev.standby.v1.ReleaseLeaseResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReleaseLease"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReleaseLeaseRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReleaseLeaseResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ReleaseLease"))
              .build();
        }
      }
    }
    return getReleaseLeaseMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListNodesRequest,
      dev.standby.v1.ListNodesResponse> getListNodesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListNodes",
      requestType = dev.standby.v1.ListNodesRequest.class,
      responseType = dev.standby.v1.ListNodesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListNodesRequest,
      dev.standby.v1.ListNodesResponse> getListNodesMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListNodesRequest, dev.standby.v1.ListNodesResponse> getListNodesMethod;
    if ((getListNodesMethod = StandbyServiceGrpc.getListNodesMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListNodesMethod = StandbyServiceGrpc.getListNodesMethod) == null) {
          StandbyServiceGrpc.getListNodesMethod = getListNodesMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListNodesRequest, dev.standby.v1.ListNodesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListNodes"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListNodesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListNodesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListNodes"))
              .build();
        }
      }
    }
    return getListNodesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.GetNodeRequest,
      dev.standby.v1.GetNodeResponse> getGetNodeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetNode",
      requestType = dev.standby.v1.GetNodeRequest.class,
      responseType = dev.standby.v1.GetNodeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.GetNodeRequest,
      dev.standby.v1.GetNodeResponse> getGetNodeMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.GetNodeRequest, dev.standby.v1.GetNodeResponse> getGetNodeMethod;
    if ((getGetNodeMethod = StandbyServiceGrpc.getGetNodeMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getGetNodeMethod = StandbyServiceGrpc.getGetNodeMethod) == null) {
          StandbyServiceGrpc.getGetNodeMethod = getGetNodeMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.GetNodeRequest, dev.standby.v1.GetNodeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetNode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetNodeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetNodeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("GetNode"))
              .build();
        }
      }
    }
    return getGetNodeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.DeleteNodeRequest,
      dev.standby.v1.DeleteNodeResponse> getDeleteNodeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteNode",
      requestType = dev.standby.v1.DeleteNodeRequest.class,
      responseType = dev.standby.v1.DeleteNodeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.DeleteNodeRequest,
      dev.standby.v1.DeleteNodeResponse> getDeleteNodeMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.DeleteNodeRequest, dev.standby.v1.DeleteNodeResponse> getDeleteNodeMethod;
    if ((getDeleteNodeMethod = StandbyServiceGrpc.getDeleteNodeMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getDeleteNodeMethod = StandbyServiceGrpc.getDeleteNodeMethod) == null) {
          StandbyServiceGrpc.getDeleteNodeMethod = getDeleteNodeMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.DeleteNodeRequest, dev.standby.v1.DeleteNodeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteNode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteNodeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteNodeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("DeleteNode"))
              .build();
        }
      }
    }
    return getDeleteNodeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListLabelsRequest,
      dev.standby.v1.ListLabelsResponse> getListLabelsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListLabels",
      requestType = dev.standby.v1.ListLabelsRequest.class,
      responseType = dev.standby.v1.ListLabelsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListLabelsRequest,
      dev.standby.v1.ListLabelsResponse> getListLabelsMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListLabelsRequest, dev.standby.v1.ListLabelsResponse> getListLabelsMethod;
    if ((getListLabelsMethod = StandbyServiceGrpc.getListLabelsMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListLabelsMethod = StandbyServiceGrpc.getListLabelsMethod) == null) {
          StandbyServiceGrpc.getListLabelsMethod = getListLabelsMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListLabelsRequest, dev.standby.v1.ListLabelsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListLabels"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListLabelsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListLabelsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListLabels"))
              .build();
        }
      }
    }
    return getListLabelsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListProvidersRequest,
      dev.standby.v1.ListProvidersResponse> getListProvidersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListProviders",
      requestType = dev.standby.v1.ListProvidersRequest.class,
      responseType = dev.standby.v1.ListProvidersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListProvidersRequest,
      dev.standby.v1.ListProvidersResponse> getListProvidersMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListProvidersRequest, dev.standby.v1.ListProvidersResponse> getListProvidersMethod;
    if ((getListProvidersMethod = StandbyServiceGrpc.getListProvidersMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListProvidersMethod = StandbyServiceGrpc.getListProvidersMethod) == null) {
          StandbyServiceGrpc.getListProvidersMethod = getListProvidersMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListProvidersRequest, dev.standby.v1.ListProvidersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListProviders"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListProvidersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListProvidersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListProviders"))
              .build();
        }
      }
    }
    return getListProvidersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.SetProviderModeRequest,
      dev.standby.v1.SetProviderModeResponse> getSetProviderModeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetProviderMode",
      requestType = dev.standby.v1.SetProviderModeRequest.class,
      responseType = dev.standby.v1.SetProviderModeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.SetProviderModeRequest,
      dev.standby.v1.SetProviderModeResponse> getSetProviderModeMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.SetProviderModeRequest, dev.standby.v1.SetProviderModeResponse> getSetProviderModeMethod;
    if ((getSetProviderModeMethod = StandbyServiceGrpc.getSetProviderModeMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getSetProviderModeMethod = StandbyServiceGrpc.getSetProviderModeMethod) == null) {
          StandbyServiceGrpc.getSetProviderModeMethod = getSetProviderModeMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.SetProviderModeRequest, dev.standby.v1.SetProviderModeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetProviderMode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SetProviderModeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SetProviderModeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("SetProviderMode"))
              .build();
        }
      }
    }
    return getSetProviderModeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ReloadConfigRequest,
      dev.standby.v1.ReloadConfigResponse> getReloadConfigMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReloadConfig",
      requestType = dev.standby.v1.ReloadConfigRequest.class,
      responseType = dev.standby.v1.ReloadConfigResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ReloadConfigRequest,
      dev.standby.v1.ReloadConfigResponse> getReloadConfigMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ReloadConfigRequest, dev.standby.v1.ReloadConfigResponse> getReloadConfigMethod;
    if ((getReloadConfigMethod = StandbyServiceGrpc.getReloadConfigMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getReloadConfigMethod = StandbyServiceGrpc.getReloadConfigMethod) == null) {
          StandbyServiceGrpc.getReloadConfigMethod = getReloadConfigMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ReloadConfigRequest, dev.standby.v1.ReloadConfigResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReloadConfig"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReloadConfigRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReloadConfigResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ReloadConfig"))
              .build();
        }
      }
    }
    return getReloadConfigMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static StandbyServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<StandbyServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<StandbyServiceStub>() {
        @java.lang.Override
        public StandbyServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new StandbyServiceStub(channel, callOptions);
        }
      };
    return StandbyServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static StandbyServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<StandbyServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<StandbyServiceBlockingStub>() {
        @java.lang.Override
        public StandbyServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new StandbyServiceBlockingStub(channel, callOptions);
        }
      };
    return StandbyServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static StandbyServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<StandbyServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<StandbyServiceFutureStub>() {
        @java.lang.Override
        public StandbyServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new StandbyServiceFutureStub(channel, callOptions);
        }
      };
    return StandbyServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * StandbyService is what CI systems, the CLI and people talk to.
   * </pre>
   */
  public static abstract class StandbyServiceImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * CreateClaim asks for a nodeset: one node per label expression, all from one
     * provider. With wait set, the answer comes when the claim is fulfilled, failed
     * or wait_timeout_seconds passed, so a warm claim is one round trip. A second
     * call with the same request_id returns the same claim (and, if it was
     * fulfilled, the same lease) instead of creating another.
     * Codes: INVALID_ARGUMENT (bad expression, no expression, lease_ttl out of
     * range), FAILED_PRECONDITION (no configured label can ever satisfy an
     * expression), ALREADY_EXISTS (request_id reused with a different request).
     * </pre>
     */
    public void createClaim(dev.standby.v1.CreateClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CreateClaimResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateClaimMethod(), responseObserver);
    }

    /**
     * <pre>
     * WatchClaim streams the claim's progress. The first message replays the
     * current state; the stream ends after a terminal state (fulfilled, failed,
     * cancelled, released, expired). An open watch keeps a queued claim alive.
     * Codes: UNAUTHENTICATED (bad claim token), NOT_FOUND (claim unknown).
     * </pre>
     */
    public void watchClaim(dev.standby.v1.WatchClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.WatchClaimResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchClaimMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetClaim returns the claim's current state. It also counts as a keepalive
     * for a queued claim.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public void getClaim(dev.standby.v1.GetClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetClaimMethod(), responseObserver);
    }

    /**
     * <pre>
     * CancelClaim withdraws a queued claim. Cancelling a fulfilled claim releases
     * its lease with outcome aborted. Cancelling a terminal claim is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public void cancelClaim(dev.standby.v1.CancelClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CancelClaimResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelClaimMethod(), responseObserver);
    }

    /**
     * <pre>
     * RenewLease extends a lease by ttl_seconds (or the claim's lease TTL) from now.
     * Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (lease unknown),
     * FAILED_PRECONDITION (lease already released or expired).
     * </pre>
     */
    public void renewLease(dev.standby.v1.RenewLeaseRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.RenewLeaseResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRenewLeaseMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReleaseLease ends a lease with the job's outcome; its nodes are deleted
     * (machines are single use). Releasing twice with the same token is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT (outcome unspecified).
     * </pre>
     */
    public void releaseLease(dev.standby.v1.ReleaseLeaseRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseLeaseResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReleaseLeaseMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListNodes lists nodes that are not gone, optionally filtered.
     * </pre>
     */
    public void listNodes(dev.standby.v1.ListNodesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListNodesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListNodesMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetNode returns one node. Codes: NOT_FOUND.
     * </pre>
     */
    public void getNode(dev.standby.v1.GetNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetNodeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetNodeMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteNode deletes a node that is not claimed (an operator's tool).
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is claimed).
     * </pre>
     */
    public void deleteNode(dev.standby.v1.DeleteNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteNodeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteNodeMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListLabels lists the configured labels with their node counts per state.
     * </pre>
     */
    public void listLabels(dev.standby.v1.ListLabelsRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListLabelsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListLabelsMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListProviders lists the configured providers with their plugin's health.
     * </pre>
     */
    public void listProviders(dev.standby.v1.ListProvidersRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListProvidersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListProvidersMethod(), responseObserver);
    }

    /**
     * <pre>
     * SetProviderMode pauses a provider (no new launches; its nodes stay),
     * drains it (no new launches; its ready nodes are deleted as they age out)
     * or resumes it. Codes: NOT_FOUND (no such provider), INVALID_ARGUMENT
     * (mode unspecified).
     * </pre>
     */
    public void setProviderMode(dev.standby.v1.SetProviderModeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SetProviderModeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetProviderModeMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReloadConfig re-reads the scheduler's configuration file. An invalid file
     * changes nothing. Codes: INVALID_ARGUMENT (the file is invalid; the message
     * names every bad field), FAILED_PRECONDITION (the change needs a restart).
     * </pre>
     */
    public void reloadConfig(dev.standby.v1.ReloadConfigRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReloadConfigResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReloadConfigMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getCreateClaimMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.CreateClaimRequest,
                dev.standby.v1.CreateClaimResponse>(
                  this, METHODID_CREATE_CLAIM)))
          .addMethod(
            getWatchClaimMethod(),
            io.grpc.stub.ServerCalls.asyncServerStreamingCall(
              new MethodHandlers<
                dev.standby.v1.WatchClaimRequest,
                dev.standby.v1.WatchClaimResponse>(
                  this, METHODID_WATCH_CLAIM)))
          .addMethod(
            getGetClaimMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.GetClaimRequest,
                dev.standby.v1.GetClaimResponse>(
                  this, METHODID_GET_CLAIM)))
          .addMethod(
            getCancelClaimMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.CancelClaimRequest,
                dev.standby.v1.CancelClaimResponse>(
                  this, METHODID_CANCEL_CLAIM)))
          .addMethod(
            getRenewLeaseMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.RenewLeaseRequest,
                dev.standby.v1.RenewLeaseResponse>(
                  this, METHODID_RENEW_LEASE)))
          .addMethod(
            getReleaseLeaseMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ReleaseLeaseRequest,
                dev.standby.v1.ReleaseLeaseResponse>(
                  this, METHODID_RELEASE_LEASE)))
          .addMethod(
            getListNodesMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListNodesRequest,
                dev.standby.v1.ListNodesResponse>(
                  this, METHODID_LIST_NODES)))
          .addMethod(
            getGetNodeMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.GetNodeRequest,
                dev.standby.v1.GetNodeResponse>(
                  this, METHODID_GET_NODE)))
          .addMethod(
            getDeleteNodeMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.DeleteNodeRequest,
                dev.standby.v1.DeleteNodeResponse>(
                  this, METHODID_DELETE_NODE)))
          .addMethod(
            getListLabelsMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListLabelsRequest,
                dev.standby.v1.ListLabelsResponse>(
                  this, METHODID_LIST_LABELS)))
          .addMethod(
            getListProvidersMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListProvidersRequest,
                dev.standby.v1.ListProvidersResponse>(
                  this, METHODID_LIST_PROVIDERS)))
          .addMethod(
            getSetProviderModeMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.SetProviderModeRequest,
                dev.standby.v1.SetProviderModeResponse>(
                  this, METHODID_SET_PROVIDER_MODE)))
          .addMethod(
            getReloadConfigMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ReloadConfigRequest,
                dev.standby.v1.ReloadConfigResponse>(
                  this, METHODID_RELOAD_CONFIG)))
          .build();
    }
  }

  /**
   * <pre>
   * StandbyService is what CI systems, the CLI and people talk to.
   * </pre>
   */
  public static final class StandbyServiceStub extends io.grpc.stub.AbstractAsyncStub<StandbyServiceStub> {
    private StandbyServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected StandbyServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new StandbyServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * CreateClaim asks for a nodeset: one node per label expression, all from one
     * provider. With wait set, the answer comes when the claim is fulfilled, failed
     * or wait_timeout_seconds passed, so a warm claim is one round trip. A second
     * call with the same request_id returns the same claim (and, if it was
     * fulfilled, the same lease) instead of creating another.
     * Codes: INVALID_ARGUMENT (bad expression, no expression, lease_ttl out of
     * range), FAILED_PRECONDITION (no configured label can ever satisfy an
     * expression), ALREADY_EXISTS (request_id reused with a different request).
     * </pre>
     */
    public void createClaim(dev.standby.v1.CreateClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CreateClaimResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateClaimMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * WatchClaim streams the claim's progress. The first message replays the
     * current state; the stream ends after a terminal state (fulfilled, failed,
     * cancelled, released, expired). An open watch keeps a queued claim alive.
     * Codes: UNAUTHENTICATED (bad claim token), NOT_FOUND (claim unknown).
     * </pre>
     */
    public void watchClaim(dev.standby.v1.WatchClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.WatchClaimResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchClaimMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetClaim returns the claim's current state. It also counts as a keepalive
     * for a queued claim.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public void getClaim(dev.standby.v1.GetClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetClaimMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CancelClaim withdraws a queued claim. Cancelling a fulfilled claim releases
     * its lease with outcome aborted. Cancelling a terminal claim is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public void cancelClaim(dev.standby.v1.CancelClaimRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CancelClaimResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelClaimMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * RenewLease extends a lease by ttl_seconds (or the claim's lease TTL) from now.
     * Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (lease unknown),
     * FAILED_PRECONDITION (lease already released or expired).
     * </pre>
     */
    public void renewLease(dev.standby.v1.RenewLeaseRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.RenewLeaseResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRenewLeaseMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReleaseLease ends a lease with the job's outcome; its nodes are deleted
     * (machines are single use). Releasing twice with the same token is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT (outcome unspecified).
     * </pre>
     */
    public void releaseLease(dev.standby.v1.ReleaseLeaseRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseLeaseResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReleaseLeaseMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListNodes lists nodes that are not gone, optionally filtered.
     * </pre>
     */
    public void listNodes(dev.standby.v1.ListNodesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListNodesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListNodesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetNode returns one node. Codes: NOT_FOUND.
     * </pre>
     */
    public void getNode(dev.standby.v1.GetNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetNodeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetNodeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteNode deletes a node that is not claimed (an operator's tool).
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is claimed).
     * </pre>
     */
    public void deleteNode(dev.standby.v1.DeleteNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteNodeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteNodeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListLabels lists the configured labels with their node counts per state.
     * </pre>
     */
    public void listLabels(dev.standby.v1.ListLabelsRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListLabelsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListLabelsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListProviders lists the configured providers with their plugin's health.
     * </pre>
     */
    public void listProviders(dev.standby.v1.ListProvidersRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListProvidersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListProvidersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SetProviderMode pauses a provider (no new launches; its nodes stay),
     * drains it (no new launches; its ready nodes are deleted as they age out)
     * or resumes it. Codes: NOT_FOUND (no such provider), INVALID_ARGUMENT
     * (mode unspecified).
     * </pre>
     */
    public void setProviderMode(dev.standby.v1.SetProviderModeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SetProviderModeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetProviderModeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReloadConfig re-reads the scheduler's configuration file. An invalid file
     * changes nothing. Codes: INVALID_ARGUMENT (the file is invalid; the message
     * names every bad field), FAILED_PRECONDITION (the change needs a restart).
     * </pre>
     */
    public void reloadConfig(dev.standby.v1.ReloadConfigRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReloadConfigResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReloadConfigMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * <pre>
   * StandbyService is what CI systems, the CLI and people talk to.
   * </pre>
   */
  public static final class StandbyServiceBlockingStub extends io.grpc.stub.AbstractBlockingStub<StandbyServiceBlockingStub> {
    private StandbyServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected StandbyServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new StandbyServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * CreateClaim asks for a nodeset: one node per label expression, all from one
     * provider. With wait set, the answer comes when the claim is fulfilled, failed
     * or wait_timeout_seconds passed, so a warm claim is one round trip. A second
     * call with the same request_id returns the same claim (and, if it was
     * fulfilled, the same lease) instead of creating another.
     * Codes: INVALID_ARGUMENT (bad expression, no expression, lease_ttl out of
     * range), FAILED_PRECONDITION (no configured label can ever satisfy an
     * expression), ALREADY_EXISTS (request_id reused with a different request).
     * </pre>
     */
    public dev.standby.v1.CreateClaimResponse createClaim(dev.standby.v1.CreateClaimRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateClaimMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WatchClaim streams the claim's progress. The first message replays the
     * current state; the stream ends after a terminal state (fulfilled, failed,
     * cancelled, released, expired). An open watch keeps a queued claim alive.
     * Codes: UNAUTHENTICATED (bad claim token), NOT_FOUND (claim unknown).
     * </pre>
     */
    public java.util.Iterator<dev.standby.v1.WatchClaimResponse> watchClaim(
        dev.standby.v1.WatchClaimRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchClaimMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetClaim returns the claim's current state. It also counts as a keepalive
     * for a queued claim.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public dev.standby.v1.GetClaimResponse getClaim(dev.standby.v1.GetClaimRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetClaimMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CancelClaim withdraws a queued claim. Cancelling a fulfilled claim releases
     * its lease with outcome aborted. Cancelling a terminal claim is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public dev.standby.v1.CancelClaimResponse cancelClaim(dev.standby.v1.CancelClaimRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelClaimMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * RenewLease extends a lease by ttl_seconds (or the claim's lease TTL) from now.
     * Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (lease unknown),
     * FAILED_PRECONDITION (lease already released or expired).
     * </pre>
     */
    public dev.standby.v1.RenewLeaseResponse renewLease(dev.standby.v1.RenewLeaseRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRenewLeaseMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReleaseLease ends a lease with the job's outcome; its nodes are deleted
     * (machines are single use). Releasing twice with the same token is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT (outcome unspecified).
     * </pre>
     */
    public dev.standby.v1.ReleaseLeaseResponse releaseLease(dev.standby.v1.ReleaseLeaseRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReleaseLeaseMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListNodes lists nodes that are not gone, optionally filtered.
     * </pre>
     */
    public dev.standby.v1.ListNodesResponse listNodes(dev.standby.v1.ListNodesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListNodesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetNode returns one node. Codes: NOT_FOUND.
     * </pre>
     */
    public dev.standby.v1.GetNodeResponse getNode(dev.standby.v1.GetNodeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetNodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteNode deletes a node that is not claimed (an operator's tool).
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is claimed).
     * </pre>
     */
    public dev.standby.v1.DeleteNodeResponse deleteNode(dev.standby.v1.DeleteNodeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteNodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListLabels lists the configured labels with their node counts per state.
     * </pre>
     */
    public dev.standby.v1.ListLabelsResponse listLabels(dev.standby.v1.ListLabelsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListLabelsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListProviders lists the configured providers with their plugin's health.
     * </pre>
     */
    public dev.standby.v1.ListProvidersResponse listProviders(dev.standby.v1.ListProvidersRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListProvidersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SetProviderMode pauses a provider (no new launches; its nodes stay),
     * drains it (no new launches; its ready nodes are deleted as they age out)
     * or resumes it. Codes: NOT_FOUND (no such provider), INVALID_ARGUMENT
     * (mode unspecified).
     * </pre>
     */
    public dev.standby.v1.SetProviderModeResponse setProviderMode(dev.standby.v1.SetProviderModeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetProviderModeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReloadConfig re-reads the scheduler's configuration file. An invalid file
     * changes nothing. Codes: INVALID_ARGUMENT (the file is invalid; the message
     * names every bad field), FAILED_PRECONDITION (the change needs a restart).
     * </pre>
     */
    public dev.standby.v1.ReloadConfigResponse reloadConfig(dev.standby.v1.ReloadConfigRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReloadConfigMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * StandbyService is what CI systems, the CLI and people talk to.
   * </pre>
   */
  public static final class StandbyServiceFutureStub extends io.grpc.stub.AbstractFutureStub<StandbyServiceFutureStub> {
    private StandbyServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected StandbyServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new StandbyServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * CreateClaim asks for a nodeset: one node per label expression, all from one
     * provider. With wait set, the answer comes when the claim is fulfilled, failed
     * or wait_timeout_seconds passed, so a warm claim is one round trip. A second
     * call with the same request_id returns the same claim (and, if it was
     * fulfilled, the same lease) instead of creating another.
     * Codes: INVALID_ARGUMENT (bad expression, no expression, lease_ttl out of
     * range), FAILED_PRECONDITION (no configured label can ever satisfy an
     * expression), ALREADY_EXISTS (request_id reused with a different request).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.CreateClaimResponse> createClaim(
        dev.standby.v1.CreateClaimRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateClaimMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetClaim returns the claim's current state. It also counts as a keepalive
     * for a queued claim.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.GetClaimResponse> getClaim(
        dev.standby.v1.GetClaimRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetClaimMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CancelClaim withdraws a queued claim. Cancelling a fulfilled claim releases
     * its lease with outcome aborted. Cancelling a terminal claim is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.CancelClaimResponse> cancelClaim(
        dev.standby.v1.CancelClaimRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelClaimMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * RenewLease extends a lease by ttl_seconds (or the claim's lease TTL) from now.
     * Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (lease unknown),
     * FAILED_PRECONDITION (lease already released or expired).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.RenewLeaseResponse> renewLease(
        dev.standby.v1.RenewLeaseRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRenewLeaseMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReleaseLease ends a lease with the job's outcome; its nodes are deleted
     * (machines are single use). Releasing twice with the same token is a no-op.
     * Codes: UNAUTHENTICATED, NOT_FOUND, INVALID_ARGUMENT (outcome unspecified).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ReleaseLeaseResponse> releaseLease(
        dev.standby.v1.ReleaseLeaseRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReleaseLeaseMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListNodes lists nodes that are not gone, optionally filtered.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListNodesResponse> listNodes(
        dev.standby.v1.ListNodesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListNodesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetNode returns one node. Codes: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.GetNodeResponse> getNode(
        dev.standby.v1.GetNodeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetNodeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteNode deletes a node that is not claimed (an operator's tool).
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is claimed).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.DeleteNodeResponse> deleteNode(
        dev.standby.v1.DeleteNodeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteNodeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListLabels lists the configured labels with their node counts per state.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListLabelsResponse> listLabels(
        dev.standby.v1.ListLabelsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListLabelsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListProviders lists the configured providers with their plugin's health.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListProvidersResponse> listProviders(
        dev.standby.v1.ListProvidersRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListProvidersMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SetProviderMode pauses a provider (no new launches; its nodes stay),
     * drains it (no new launches; its ready nodes are deleted as they age out)
     * or resumes it. Codes: NOT_FOUND (no such provider), INVALID_ARGUMENT
     * (mode unspecified).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.SetProviderModeResponse> setProviderMode(
        dev.standby.v1.SetProviderModeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetProviderModeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReloadConfig re-reads the scheduler's configuration file. An invalid file
     * changes nothing. Codes: INVALID_ARGUMENT (the file is invalid; the message
     * names every bad field), FAILED_PRECONDITION (the change needs a restart).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ReloadConfigResponse> reloadConfig(
        dev.standby.v1.ReloadConfigRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReloadConfigMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_CLAIM = 0;
  private static final int METHODID_WATCH_CLAIM = 1;
  private static final int METHODID_GET_CLAIM = 2;
  private static final int METHODID_CANCEL_CLAIM = 3;
  private static final int METHODID_RENEW_LEASE = 4;
  private static final int METHODID_RELEASE_LEASE = 5;
  private static final int METHODID_LIST_NODES = 6;
  private static final int METHODID_GET_NODE = 7;
  private static final int METHODID_DELETE_NODE = 8;
  private static final int METHODID_LIST_LABELS = 9;
  private static final int METHODID_LIST_PROVIDERS = 10;
  private static final int METHODID_SET_PROVIDER_MODE = 11;
  private static final int METHODID_RELOAD_CONFIG = 12;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final StandbyServiceImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(StandbyServiceImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_CLAIM:
          serviceImpl.createClaim((dev.standby.v1.CreateClaimRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.CreateClaimResponse>) responseObserver);
          break;
        case METHODID_WATCH_CLAIM:
          serviceImpl.watchClaim((dev.standby.v1.WatchClaimRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.WatchClaimResponse>) responseObserver);
          break;
        case METHODID_GET_CLAIM:
          serviceImpl.getClaim((dev.standby.v1.GetClaimRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimResponse>) responseObserver);
          break;
        case METHODID_CANCEL_CLAIM:
          serviceImpl.cancelClaim((dev.standby.v1.CancelClaimRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.CancelClaimResponse>) responseObserver);
          break;
        case METHODID_RENEW_LEASE:
          serviceImpl.renewLease((dev.standby.v1.RenewLeaseRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.RenewLeaseResponse>) responseObserver);
          break;
        case METHODID_RELEASE_LEASE:
          serviceImpl.releaseLease((dev.standby.v1.ReleaseLeaseRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseLeaseResponse>) responseObserver);
          break;
        case METHODID_LIST_NODES:
          serviceImpl.listNodes((dev.standby.v1.ListNodesRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListNodesResponse>) responseObserver);
          break;
        case METHODID_GET_NODE:
          serviceImpl.getNode((dev.standby.v1.GetNodeRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.GetNodeResponse>) responseObserver);
          break;
        case METHODID_DELETE_NODE:
          serviceImpl.deleteNode((dev.standby.v1.DeleteNodeRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.DeleteNodeResponse>) responseObserver);
          break;
        case METHODID_LIST_LABELS:
          serviceImpl.listLabels((dev.standby.v1.ListLabelsRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListLabelsResponse>) responseObserver);
          break;
        case METHODID_LIST_PROVIDERS:
          serviceImpl.listProviders((dev.standby.v1.ListProvidersRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListProvidersResponse>) responseObserver);
          break;
        case METHODID_SET_PROVIDER_MODE:
          serviceImpl.setProviderMode((dev.standby.v1.SetProviderModeRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.SetProviderModeResponse>) responseObserver);
          break;
        case METHODID_RELOAD_CONFIG:
          serviceImpl.reloadConfig((dev.standby.v1.ReloadConfigRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ReloadConfigResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class StandbyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    StandbyServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.standby.v1.Standby.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("StandbyService");
    }
  }

  private static final class StandbyServiceFileDescriptorSupplier
      extends StandbyServiceBaseDescriptorSupplier {
    StandbyServiceFileDescriptorSupplier() {}
  }

  private static final class StandbyServiceMethodDescriptorSupplier
      extends StandbyServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    StandbyServiceMethodDescriptorSupplier(String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (StandbyServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new StandbyServiceFileDescriptorSupplier())
              .addMethod(getCreateClaimMethod())
              .addMethod(getWatchClaimMethod())
              .addMethod(getGetClaimMethod())
              .addMethod(getCancelClaimMethod())
              .addMethod(getRenewLeaseMethod())
              .addMethod(getReleaseLeaseMethod())
              .addMethod(getListNodesMethod())
              .addMethod(getGetNodeMethod())
              .addMethod(getDeleteNodeMethod())
              .addMethod(getListLabelsMethod())
              .addMethod(getListProvidersMethod())
              .addMethod(getSetProviderModeMethod())
              .addMethod(getReloadConfigMethod())
              .build();
        }
      }
    }
    return result;
  }
}
