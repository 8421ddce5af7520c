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

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.GetClaimTimelineRequest,
      dev.standby.v1.GetClaimTimelineResponse> getGetClaimTimelineMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetClaimTimeline",
      requestType = dev.standby.v1.GetClaimTimelineRequest.class,
      responseType = dev.standby.v1.GetClaimTimelineResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.GetClaimTimelineRequest,
      dev.standby.v1.GetClaimTimelineResponse> getGetClaimTimelineMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.GetClaimTimelineRequest, dev.standby.v1.GetClaimTimelineResponse> getGetClaimTimelineMethod;
    if ((getGetClaimTimelineMethod = StandbyServiceGrpc.getGetClaimTimelineMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getGetClaimTimelineMethod = StandbyServiceGrpc.getGetClaimTimelineMethod) == null) {
          StandbyServiceGrpc.getGetClaimTimelineMethod = getGetClaimTimelineMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.GetClaimTimelineRequest, dev.standby.v1.GetClaimTimelineResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetClaimTimeline"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetClaimTimelineRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetClaimTimelineResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("GetClaimTimeline"))
              .build();
        }
      }
    }
    return getGetClaimTimelineMethod;
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

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListImagesRequest,
      dev.standby.v1.ListImagesResponse> getListImagesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListImages",
      requestType = dev.standby.v1.ListImagesRequest.class,
      responseType = dev.standby.v1.ListImagesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListImagesRequest,
      dev.standby.v1.ListImagesResponse> getListImagesMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListImagesRequest, dev.standby.v1.ListImagesResponse> getListImagesMethod;
    if ((getListImagesMethod = StandbyServiceGrpc.getListImagesMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListImagesMethod = StandbyServiceGrpc.getListImagesMethod) == null) {
          StandbyServiceGrpc.getListImagesMethod = getListImagesMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListImagesRequest, dev.standby.v1.ListImagesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListImages"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListImagesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListImagesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListImages"))
              .build();
        }
      }
    }
    return getListImagesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.BuildImageRequest,
      dev.standby.v1.BuildImageResponse> getBuildImageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "BuildImage",
      requestType = dev.standby.v1.BuildImageRequest.class,
      responseType = dev.standby.v1.BuildImageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.BuildImageRequest,
      dev.standby.v1.BuildImageResponse> getBuildImageMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.BuildImageRequest, dev.standby.v1.BuildImageResponse> getBuildImageMethod;
    if ((getBuildImageMethod = StandbyServiceGrpc.getBuildImageMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getBuildImageMethod = StandbyServiceGrpc.getBuildImageMethod) == null) {
          StandbyServiceGrpc.getBuildImageMethod = getBuildImageMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.BuildImageRequest, dev.standby.v1.BuildImageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "BuildImage"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.BuildImageRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.BuildImageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("BuildImage"))
              .build();
        }
      }
    }
    return getBuildImageMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.GetImageBuildRequest,
      dev.standby.v1.GetImageBuildResponse> getGetImageBuildMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetImageBuild",
      requestType = dev.standby.v1.GetImageBuildRequest.class,
      responseType = dev.standby.v1.GetImageBuildResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.GetImageBuildRequest,
      dev.standby.v1.GetImageBuildResponse> getGetImageBuildMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.GetImageBuildRequest, dev.standby.v1.GetImageBuildResponse> getGetImageBuildMethod;
    if ((getGetImageBuildMethod = StandbyServiceGrpc.getGetImageBuildMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getGetImageBuildMethod = StandbyServiceGrpc.getGetImageBuildMethod) == null) {
          StandbyServiceGrpc.getGetImageBuildMethod = getGetImageBuildMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.GetImageBuildRequest, dev.standby.v1.GetImageBuildResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetImageBuild"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetImageBuildRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetImageBuildResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("GetImageBuild"))
              .build();
        }
      }
    }
    return getGetImageBuildMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.SetImageFamilyPausedRequest,
      dev.standby.v1.SetImageFamilyPausedResponse> getSetImageFamilyPausedMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetImageFamilyPaused",
      requestType = dev.standby.v1.SetImageFamilyPausedRequest.class,
      responseType = dev.standby.v1.SetImageFamilyPausedResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.SetImageFamilyPausedRequest,
      dev.standby.v1.SetImageFamilyPausedResponse> getSetImageFamilyPausedMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.SetImageFamilyPausedRequest, dev.standby.v1.SetImageFamilyPausedResponse> getSetImageFamilyPausedMethod;
    if ((getSetImageFamilyPausedMethod = StandbyServiceGrpc.getSetImageFamilyPausedMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getSetImageFamilyPausedMethod = StandbyServiceGrpc.getSetImageFamilyPausedMethod) == null) {
          StandbyServiceGrpc.getSetImageFamilyPausedMethod = getSetImageFamilyPausedMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.SetImageFamilyPausedRequest, dev.standby.v1.SetImageFamilyPausedResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetImageFamilyPaused"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SetImageFamilyPausedRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SetImageFamilyPausedResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("SetImageFamilyPaused"))
              .build();
        }
      }
    }
    return getSetImageFamilyPausedMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.DeleteImageBuildRequest,
      dev.standby.v1.DeleteImageBuildResponse> getDeleteImageBuildMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteImageBuild",
      requestType = dev.standby.v1.DeleteImageBuildRequest.class,
      responseType = dev.standby.v1.DeleteImageBuildResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.DeleteImageBuildRequest,
      dev.standby.v1.DeleteImageBuildResponse> getDeleteImageBuildMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.DeleteImageBuildRequest, dev.standby.v1.DeleteImageBuildResponse> getDeleteImageBuildMethod;
    if ((getDeleteImageBuildMethod = StandbyServiceGrpc.getDeleteImageBuildMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getDeleteImageBuildMethod = StandbyServiceGrpc.getDeleteImageBuildMethod) == null) {
          StandbyServiceGrpc.getDeleteImageBuildMethod = getDeleteImageBuildMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.DeleteImageBuildRequest, dev.standby.v1.DeleteImageBuildResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteImageBuild"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteImageBuildRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteImageBuildResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("DeleteImageBuild"))
              .build();
        }
      }
    }
    return getDeleteImageBuildMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.SnapshotNodeRequest,
      dev.standby.v1.SnapshotNodeResponse> getSnapshotNodeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SnapshotNode",
      requestType = dev.standby.v1.SnapshotNodeRequest.class,
      responseType = dev.standby.v1.SnapshotNodeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.SnapshotNodeRequest,
      dev.standby.v1.SnapshotNodeResponse> getSnapshotNodeMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.SnapshotNodeRequest, dev.standby.v1.SnapshotNodeResponse> getSnapshotNodeMethod;
    if ((getSnapshotNodeMethod = StandbyServiceGrpc.getSnapshotNodeMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getSnapshotNodeMethod = StandbyServiceGrpc.getSnapshotNodeMethod) == null) {
          StandbyServiceGrpc.getSnapshotNodeMethod = getSnapshotNodeMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.SnapshotNodeRequest, dev.standby.v1.SnapshotNodeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SnapshotNode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SnapshotNodeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SnapshotNodeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("SnapshotNode"))
              .build();
        }
      }
    }
    return getSnapshotNodeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListHoldsRequest,
      dev.standby.v1.ListHoldsResponse> getListHoldsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListHolds",
      requestType = dev.standby.v1.ListHoldsRequest.class,
      responseType = dev.standby.v1.ListHoldsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListHoldsRequest,
      dev.standby.v1.ListHoldsResponse> getListHoldsMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListHoldsRequest, dev.standby.v1.ListHoldsResponse> getListHoldsMethod;
    if ((getListHoldsMethod = StandbyServiceGrpc.getListHoldsMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListHoldsMethod = StandbyServiceGrpc.getListHoldsMethod) == null) {
          StandbyServiceGrpc.getListHoldsMethod = getListHoldsMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListHoldsRequest, dev.standby.v1.ListHoldsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListHolds"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListHoldsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListHoldsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListHolds"))
              .build();
        }
      }
    }
    return getListHoldsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.GetHoldRequest,
      dev.standby.v1.GetHoldResponse> getGetHoldMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetHold",
      requestType = dev.standby.v1.GetHoldRequest.class,
      responseType = dev.standby.v1.GetHoldResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.GetHoldRequest,
      dev.standby.v1.GetHoldResponse> getGetHoldMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.GetHoldRequest, dev.standby.v1.GetHoldResponse> getGetHoldMethod;
    if ((getGetHoldMethod = StandbyServiceGrpc.getGetHoldMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getGetHoldMethod = StandbyServiceGrpc.getGetHoldMethod) == null) {
          StandbyServiceGrpc.getGetHoldMethod = getGetHoldMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.GetHoldRequest, dev.standby.v1.GetHoldResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetHold"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetHoldRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.GetHoldResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("GetHold"))
              .build();
        }
      }
    }
    return getGetHoldMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.HoldNodeRequest,
      dev.standby.v1.HoldNodeResponse> getHoldNodeMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "HoldNode",
      requestType = dev.standby.v1.HoldNodeRequest.class,
      responseType = dev.standby.v1.HoldNodeResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.HoldNodeRequest,
      dev.standby.v1.HoldNodeResponse> getHoldNodeMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.HoldNodeRequest, dev.standby.v1.HoldNodeResponse> getHoldNodeMethod;
    if ((getHoldNodeMethod = StandbyServiceGrpc.getHoldNodeMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getHoldNodeMethod = StandbyServiceGrpc.getHoldNodeMethod) == null) {
          StandbyServiceGrpc.getHoldNodeMethod = getHoldNodeMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.HoldNodeRequest, dev.standby.v1.HoldNodeResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "HoldNode"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.HoldNodeRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.HoldNodeResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("HoldNode"))
              .build();
        }
      }
    }
    return getHoldNodeMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ReleaseHoldRequest,
      dev.standby.v1.ReleaseHoldResponse> getReleaseHoldMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReleaseHold",
      requestType = dev.standby.v1.ReleaseHoldRequest.class,
      responseType = dev.standby.v1.ReleaseHoldResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ReleaseHoldRequest,
      dev.standby.v1.ReleaseHoldResponse> getReleaseHoldMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ReleaseHoldRequest, dev.standby.v1.ReleaseHoldResponse> getReleaseHoldMethod;
    if ((getReleaseHoldMethod = StandbyServiceGrpc.getReleaseHoldMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getReleaseHoldMethod = StandbyServiceGrpc.getReleaseHoldMethod) == null) {
          StandbyServiceGrpc.getReleaseHoldMethod = getReleaseHoldMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ReleaseHoldRequest, dev.standby.v1.ReleaseHoldResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReleaseHold"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReleaseHoldRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ReleaseHoldResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ReleaseHold"))
              .build();
        }
      }
    }
    return getReleaseHoldMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.AddHoldKeyRequest,
      dev.standby.v1.AddHoldKeyResponse> getAddHoldKeyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AddHoldKey",
      requestType = dev.standby.v1.AddHoldKeyRequest.class,
      responseType = dev.standby.v1.AddHoldKeyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.AddHoldKeyRequest,
      dev.standby.v1.AddHoldKeyResponse> getAddHoldKeyMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.AddHoldKeyRequest, dev.standby.v1.AddHoldKeyResponse> getAddHoldKeyMethod;
    if ((getAddHoldKeyMethod = StandbyServiceGrpc.getAddHoldKeyMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getAddHoldKeyMethod = StandbyServiceGrpc.getAddHoldKeyMethod) == null) {
          StandbyServiceGrpc.getAddHoldKeyMethod = getAddHoldKeyMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.AddHoldKeyRequest, dev.standby.v1.AddHoldKeyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AddHoldKey"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.AddHoldKeyRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.AddHoldKeyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("AddHoldKey"))
              .build();
        }
      }
    }
    return getAddHoldKeyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.SnapshotHoldRequest,
      dev.standby.v1.SnapshotHoldResponse> getSnapshotHoldMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SnapshotHold",
      requestType = dev.standby.v1.SnapshotHoldRequest.class,
      responseType = dev.standby.v1.SnapshotHoldResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.SnapshotHoldRequest,
      dev.standby.v1.SnapshotHoldResponse> getSnapshotHoldMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.SnapshotHoldRequest, dev.standby.v1.SnapshotHoldResponse> getSnapshotHoldMethod;
    if ((getSnapshotHoldMethod = StandbyServiceGrpc.getSnapshotHoldMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getSnapshotHoldMethod = StandbyServiceGrpc.getSnapshotHoldMethod) == null) {
          StandbyServiceGrpc.getSnapshotHoldMethod = getSnapshotHoldMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.SnapshotHoldRequest, dev.standby.v1.SnapshotHoldResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SnapshotHold"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SnapshotHoldRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.SnapshotHoldResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("SnapshotHold"))
              .build();
        }
      }
    }
    return getSnapshotHoldMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.ListHoldRulesRequest,
      dev.standby.v1.ListHoldRulesResponse> getListHoldRulesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListHoldRules",
      requestType = dev.standby.v1.ListHoldRulesRequest.class,
      responseType = dev.standby.v1.ListHoldRulesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.ListHoldRulesRequest,
      dev.standby.v1.ListHoldRulesResponse> getListHoldRulesMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.ListHoldRulesRequest, dev.standby.v1.ListHoldRulesResponse> getListHoldRulesMethod;
    if ((getListHoldRulesMethod = StandbyServiceGrpc.getListHoldRulesMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getListHoldRulesMethod = StandbyServiceGrpc.getListHoldRulesMethod) == null) {
          StandbyServiceGrpc.getListHoldRulesMethod = getListHoldRulesMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.ListHoldRulesRequest, dev.standby.v1.ListHoldRulesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListHoldRules"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListHoldRulesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.ListHoldRulesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("ListHoldRules"))
              .build();
        }
      }
    }
    return getListHoldRulesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.CreateHoldRuleRequest,
      dev.standby.v1.CreateHoldRuleResponse> getCreateHoldRuleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateHoldRule",
      requestType = dev.standby.v1.CreateHoldRuleRequest.class,
      responseType = dev.standby.v1.CreateHoldRuleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.CreateHoldRuleRequest,
      dev.standby.v1.CreateHoldRuleResponse> getCreateHoldRuleMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.CreateHoldRuleRequest, dev.standby.v1.CreateHoldRuleResponse> getCreateHoldRuleMethod;
    if ((getCreateHoldRuleMethod = StandbyServiceGrpc.getCreateHoldRuleMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getCreateHoldRuleMethod = StandbyServiceGrpc.getCreateHoldRuleMethod) == null) {
          StandbyServiceGrpc.getCreateHoldRuleMethod = getCreateHoldRuleMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.CreateHoldRuleRequest, dev.standby.v1.CreateHoldRuleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateHoldRule"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CreateHoldRuleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.CreateHoldRuleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("CreateHoldRule"))
              .build();
        }
      }
    }
    return getCreateHoldRuleMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.standby.v1.DeleteHoldRuleRequest,
      dev.standby.v1.DeleteHoldRuleResponse> getDeleteHoldRuleMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteHoldRule",
      requestType = dev.standby.v1.DeleteHoldRuleRequest.class,
      responseType = dev.standby.v1.DeleteHoldRuleResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.standby.v1.DeleteHoldRuleRequest,
      dev.standby.v1.DeleteHoldRuleResponse> getDeleteHoldRuleMethod() {
    io.grpc.MethodDescriptor<dev.standby.v1.DeleteHoldRuleRequest, dev.standby.v1.DeleteHoldRuleResponse> getDeleteHoldRuleMethod;
    if ((getDeleteHoldRuleMethod = StandbyServiceGrpc.getDeleteHoldRuleMethod) == null) {
      synchronized (StandbyServiceGrpc.class) {
        if ((getDeleteHoldRuleMethod = StandbyServiceGrpc.getDeleteHoldRuleMethod) == null) {
          StandbyServiceGrpc.getDeleteHoldRuleMethod = getDeleteHoldRuleMethod =
              io.grpc.MethodDescriptor.<dev.standby.v1.DeleteHoldRuleRequest, dev.standby.v1.DeleteHoldRuleResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteHoldRule"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteHoldRuleRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.standby.v1.DeleteHoldRuleResponse.getDefaultInstance()))
              .setSchemaDescriptor(new StandbyServiceMethodDescriptorSupplier("DeleteHoldRule"))
              .build();
        }
      }
    }
    return getDeleteHoldRuleMethod;
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
     * GetClaimTimeline returns a claim and what happened to it, oldest first:
     * queued, the launches started for its labels while it waited and how they
     * ended (attempts that failed, nodes that became ready), failed hand-overs,
     * fulfilled, and how it ended. It answers "why did this claim wait?" from
     * the store, with or without a tracing backend. Name the claim by its
     * claim token, or by its id (needs the operator role; the answer carries
     * no secrets either way).
     * Codes: INVALID_ARGUMENT (neither or both of claim_token and claim_id),
     * UNAUTHENTICATED (bad claim token), PERMISSION_DENIED (by id without the
     * operator role), NOT_FOUND (claim unknown).
     * </pre>
     */
    public void getClaimTimeline(dev.standby.v1.GetClaimTimelineRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimTimelineResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetClaimTimelineMethod(), responseObserver);
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
     * (machines are single use), or held for diagnosis (state HELD) when
     * hold_seconds is set or a failure matches an autohold rule; the answer's
     * claim then lists the held nodes with their hold. Releasing twice with the
     * same token is a no-op.
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

    /**
     * <pre>
     * ListImages lists the image families (and templates' caches) with their
     * builds per provider: state, age, size, when verified, why a build failed,
     * and which build launches use now. Retired builds only with all set.
     * Codes: none beyond the common ones.
     * </pre>
     */
    public void listImages(dev.standby.v1.ListImagesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListImagesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListImagesMethod(), responseObserver);
    }

    /**
     * <pre>
     * BuildImage starts a build of a family now, on each of its providers or
     * the one named; it runs in the background (watch it with ListImages or
     * GetImageBuild). Codes: NOT_FOUND (no such family), FAILED_PRECONDITION
     * (a build of the family on that provider is under way, or the family has
     * no entry for the provider).
     * </pre>
     */
    public void buildImage(dev.standby.v1.BuildImageRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.BuildImageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getBuildImageMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetImageBuild returns one build, with its log (the setup script's output
     * and the build's own notes) when asked. Codes: NOT_FOUND.
     * </pre>
     */
    public void getImageBuild(dev.standby.v1.GetImageBuildRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetImageBuildResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetImageBuildMethod(), responseObserver);
    }

    /**
     * <pre>
     * SetImageFamilyPaused pauses a family's scheduled builds (builds on
     * request and post-build snapshots still run) or resumes them.
     * Codes: NOT_FOUND (no such family).
     * </pre>
     */
    public void setImageFamilyPaused(dev.standby.v1.SetImageFamilyPausedRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SetImageFamilyPausedResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetImageFamilyPausedMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteImageBuild deletes a promoted build's image (launches fall back to
     * the previous promoted build), or cancels a build under way (what it made
     * is deleted). An ended build is returned as it is.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (it is the last good build of its
     * family on its provider).
     * </pre>
     */
    public void deleteImageBuild(dev.standby.v1.DeleteImageBuildRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteImageBuildResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteImageBuildMethod(), responseObserver);
    }

    /**
     * <pre>
     * SnapshotNode turns a node held under a lease into a new build of an image
     * family on the node's provider (a CI job's post-build step): the node is
     * scrubbed and snapshotted, the snapshot verified and promoted. The lease
     * token authorises it. The answer comes once the snapshot is taken (the
     * lease may then be released), or with wait once the build is promoted or
     * failed. Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (no such
     * family or node), PERMISSION_DENIED (the lease does not hold the node),
     * FAILED_PRECONDITION (the lease has ended).
     * </pre>
     */
    public void snapshotNode(dev.standby.v1.SnapshotNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotNodeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSnapshotNodeMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListHolds lists the held nodes (state HELD) with why, for whom and until
     * when, plus how many there are and the earliest expiry.
     * </pre>
     */
    public void listHolds(dev.standby.v1.ListHoldsRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListHoldsMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetHold returns a node's hold, with the keys added to it and its
     * snapshots; also after the hold ended. Codes: NOT_FOUND (no such node, or
     * it never was held).
     * </pre>
     */
    public void getHold(dev.standby.v1.GetHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetHoldResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetHoldMethod(), responseObserver);
    }

    /**
     * <pre>
     * HoldNode keeps a ready or claimed node for diagnosis (a claimed one stays
     * with its lease until released, and is then kept instead of deleted), or
     * changes the expiry of a held one. A held node is never handed to a claim
     * and still counts against label and provider caps. The hold lasts
     * duration_seconds (0: the configured default), capped so that it ends no
     * later than the configured maximum after it began.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is launching, released,
     * being deleted or gone).
     * </pre>
     */
    public void holdNode(dev.standby.v1.HoldNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.HoldNodeResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getHoldNodeMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReleaseHold ends a hold early; the node is deleted. Releasing a node that
     * is already being deleted (or gone) is a no-op.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held).
     * </pre>
     */
    public void releaseHold(dev.standby.v1.ReleaseHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseHoldResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReleaseHoldMethod(), responseObserver);
    }

    /**
     * <pre>
     * AddHoldKey adds an OpenSSH public key to a held node's authorized keys
     * (over SSH with the scheduler's key, checking the node's pinned host key),
     * so that a developer can log in. Recorded with who asked.
     * Codes: NOT_FOUND, INVALID_ARGUMENT (not an OpenSSH public key),
     * FAILED_PRECONDITION (the node is not held, or the scheduler cannot reach
     * it over SSH), UNAVAILABLE (the node did not answer; try again),
     * PERMISSION_DENIED (the node's host key changed).
     * </pre>
     */
    public void addHoldKey(dev.standby.v1.AddHoldKeyRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.AddHoldKeyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAddHoldKeyMethod(), responseObserver);
    }

    /**
     * <pre>
     * SnapshotHold makes an image of a held node on its provider, without the
     * node's SSH host keys and without any authorized keys (the claimer's, the
     * developers', the scheduler's), so that it can be booted elsewhere. The
     * image is shared (not public) by default where the provider can share
     * images, private otherwise. With wait, answers when the snapshot is done
     * (or wait_timeout_seconds passed); otherwise at once, and GetHold shows its
     * progress. Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held, or
     * its provider cannot take snapshots free of keys, or cannot share images),
     * PERMISSION_DENIED (public images need the admin role), UNAVAILABLE.
     * </pre>
     */
    public void snapshotHold(dev.standby.v1.SnapshotHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotHoldResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSnapshotHoldMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListHoldRules lists the autohold rules: from the configuration file and
     * added through the API, with how often each has fired.
     * </pre>
     */
    public void listHoldRules(dev.standby.v1.ListHoldRulesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldRulesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListHoldRulesMethod(), responseObserver);
    }

    /**
     * <pre>
     * CreateHoldRule adds an autohold rule: the next `count` failed jobs that
     * match it have their nodes held. Codes: INVALID_ARGUMENT (a bad label
     * expression, job name pattern, count or duration), ALREADY_EXISTS (a rule
     * with that name exists).
     * </pre>
     */
    public void createHoldRule(dev.standby.v1.CreateHoldRuleRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CreateHoldRuleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateHoldRuleMethod(), responseObserver);
    }

    /**
     * <pre>
     * DeleteHoldRule removes an autohold rule added through the API; holds it
     * made stay. Codes: NOT_FOUND, FAILED_PRECONDITION (the rule comes from the
     * configuration file: remove it there).
     * </pre>
     */
    public void deleteHoldRule(dev.standby.v1.DeleteHoldRuleRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteHoldRuleResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteHoldRuleMethod(), responseObserver);
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
            getGetClaimTimelineMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.GetClaimTimelineRequest,
                dev.standby.v1.GetClaimTimelineResponse>(
                  this, METHODID_GET_CLAIM_TIMELINE)))
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
          .addMethod(
            getListImagesMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListImagesRequest,
                dev.standby.v1.ListImagesResponse>(
                  this, METHODID_LIST_IMAGES)))
          .addMethod(
            getBuildImageMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.BuildImageRequest,
                dev.standby.v1.BuildImageResponse>(
                  this, METHODID_BUILD_IMAGE)))
          .addMethod(
            getGetImageBuildMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.GetImageBuildRequest,
                dev.standby.v1.GetImageBuildResponse>(
                  this, METHODID_GET_IMAGE_BUILD)))
          .addMethod(
            getSetImageFamilyPausedMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.SetImageFamilyPausedRequest,
                dev.standby.v1.SetImageFamilyPausedResponse>(
                  this, METHODID_SET_IMAGE_FAMILY_PAUSED)))
          .addMethod(
            getDeleteImageBuildMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.DeleteImageBuildRequest,
                dev.standby.v1.DeleteImageBuildResponse>(
                  this, METHODID_DELETE_IMAGE_BUILD)))
          .addMethod(
            getSnapshotNodeMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.SnapshotNodeRequest,
                dev.standby.v1.SnapshotNodeResponse>(
                  this, METHODID_SNAPSHOT_NODE)))
          .addMethod(
            getListHoldsMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListHoldsRequest,
                dev.standby.v1.ListHoldsResponse>(
                  this, METHODID_LIST_HOLDS)))
          .addMethod(
            getGetHoldMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.GetHoldRequest,
                dev.standby.v1.GetHoldResponse>(
                  this, METHODID_GET_HOLD)))
          .addMethod(
            getHoldNodeMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.HoldNodeRequest,
                dev.standby.v1.HoldNodeResponse>(
                  this, METHODID_HOLD_NODE)))
          .addMethod(
            getReleaseHoldMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ReleaseHoldRequest,
                dev.standby.v1.ReleaseHoldResponse>(
                  this, METHODID_RELEASE_HOLD)))
          .addMethod(
            getAddHoldKeyMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.AddHoldKeyRequest,
                dev.standby.v1.AddHoldKeyResponse>(
                  this, METHODID_ADD_HOLD_KEY)))
          .addMethod(
            getSnapshotHoldMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.SnapshotHoldRequest,
                dev.standby.v1.SnapshotHoldResponse>(
                  this, METHODID_SNAPSHOT_HOLD)))
          .addMethod(
            getListHoldRulesMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.ListHoldRulesRequest,
                dev.standby.v1.ListHoldRulesResponse>(
                  this, METHODID_LIST_HOLD_RULES)))
          .addMethod(
            getCreateHoldRuleMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.CreateHoldRuleRequest,
                dev.standby.v1.CreateHoldRuleResponse>(
                  this, METHODID_CREATE_HOLD_RULE)))
          .addMethod(
            getDeleteHoldRuleMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.standby.v1.DeleteHoldRuleRequest,
                dev.standby.v1.DeleteHoldRuleResponse>(
                  this, METHODID_DELETE_HOLD_RULE)))
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
     * GetClaimTimeline returns a claim and what happened to it, oldest first:
     * queued, the launches started for its labels while it waited and how they
     * ended (attempts that failed, nodes that became ready), failed hand-overs,
     * fulfilled, and how it ended. It answers "why did this claim wait?" from
     * the store, with or without a tracing backend. Name the claim by its
     * claim token, or by its id (needs the operator role; the answer carries
     * no secrets either way).
     * Codes: INVALID_ARGUMENT (neither or both of claim_token and claim_id),
     * UNAUTHENTICATED (bad claim token), PERMISSION_DENIED (by id without the
     * operator role), NOT_FOUND (claim unknown).
     * </pre>
     */
    public void getClaimTimeline(dev.standby.v1.GetClaimTimelineRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimTimelineResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetClaimTimelineMethod(), getCallOptions()), request, responseObserver);
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
     * (machines are single use), or held for diagnosis (state HELD) when
     * hold_seconds is set or a failure matches an autohold rule; the answer's
     * claim then lists the held nodes with their hold. Releasing twice with the
     * same token is a no-op.
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

    /**
     * <pre>
     * ListImages lists the image families (and templates' caches) with their
     * builds per provider: state, age, size, when verified, why a build failed,
     * and which build launches use now. Retired builds only with all set.
     * Codes: none beyond the common ones.
     * </pre>
     */
    public void listImages(dev.standby.v1.ListImagesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListImagesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListImagesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * BuildImage starts a build of a family now, on each of its providers or
     * the one named; it runs in the background (watch it with ListImages or
     * GetImageBuild). Codes: NOT_FOUND (no such family), FAILED_PRECONDITION
     * (a build of the family on that provider is under way, or the family has
     * no entry for the provider).
     * </pre>
     */
    public void buildImage(dev.standby.v1.BuildImageRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.BuildImageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getBuildImageMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetImageBuild returns one build, with its log (the setup script's output
     * and the build's own notes) when asked. Codes: NOT_FOUND.
     * </pre>
     */
    public void getImageBuild(dev.standby.v1.GetImageBuildRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetImageBuildResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetImageBuildMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SetImageFamilyPaused pauses a family's scheduled builds (builds on
     * request and post-build snapshots still run) or resumes them.
     * Codes: NOT_FOUND (no such family).
     * </pre>
     */
    public void setImageFamilyPaused(dev.standby.v1.SetImageFamilyPausedRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SetImageFamilyPausedResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetImageFamilyPausedMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteImageBuild deletes a promoted build's image (launches fall back to
     * the previous promoted build), or cancels a build under way (what it made
     * is deleted). An ended build is returned as it is.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (it is the last good build of its
     * family on its provider).
     * </pre>
     */
    public void deleteImageBuild(dev.standby.v1.DeleteImageBuildRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteImageBuildResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteImageBuildMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SnapshotNode turns a node held under a lease into a new build of an image
     * family on the node's provider (a CI job's post-build step): the node is
     * scrubbed and snapshotted, the snapshot verified and promoted. The lease
     * token authorises it. The answer comes once the snapshot is taken (the
     * lease may then be released), or with wait once the build is promoted or
     * failed. Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (no such
     * family or node), PERMISSION_DENIED (the lease does not hold the node),
     * FAILED_PRECONDITION (the lease has ended).
     * </pre>
     */
    public void snapshotNode(dev.standby.v1.SnapshotNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotNodeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSnapshotNodeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListHolds lists the held nodes (state HELD) with why, for whom and until
     * when, plus how many there are and the earliest expiry.
     * </pre>
     */
    public void listHolds(dev.standby.v1.ListHoldsRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListHoldsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetHold returns a node's hold, with the keys added to it and its
     * snapshots; also after the hold ended. Codes: NOT_FOUND (no such node, or
     * it never was held).
     * </pre>
     */
    public void getHold(dev.standby.v1.GetHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.GetHoldResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetHoldMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * HoldNode keeps a ready or claimed node for diagnosis (a claimed one stays
     * with its lease until released, and is then kept instead of deleted), or
     * changes the expiry of a held one. A held node is never handed to a claim
     * and still counts against label and provider caps. The hold lasts
     * duration_seconds (0: the configured default), capped so that it ends no
     * later than the configured maximum after it began.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is launching, released,
     * being deleted or gone).
     * </pre>
     */
    public void holdNode(dev.standby.v1.HoldNodeRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.HoldNodeResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getHoldNodeMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReleaseHold ends a hold early; the node is deleted. Releasing a node that
     * is already being deleted (or gone) is a no-op.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held).
     * </pre>
     */
    public void releaseHold(dev.standby.v1.ReleaseHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseHoldResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReleaseHoldMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * AddHoldKey adds an OpenSSH public key to a held node's authorized keys
     * (over SSH with the scheduler's key, checking the node's pinned host key),
     * so that a developer can log in. Recorded with who asked.
     * Codes: NOT_FOUND, INVALID_ARGUMENT (not an OpenSSH public key),
     * FAILED_PRECONDITION (the node is not held, or the scheduler cannot reach
     * it over SSH), UNAVAILABLE (the node did not answer; try again),
     * PERMISSION_DENIED (the node's host key changed).
     * </pre>
     */
    public void addHoldKey(dev.standby.v1.AddHoldKeyRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.AddHoldKeyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAddHoldKeyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * SnapshotHold makes an image of a held node on its provider, without the
     * node's SSH host keys and without any authorized keys (the claimer's, the
     * developers', the scheduler's), so that it can be booted elsewhere. The
     * image is shared (not public) by default where the provider can share
     * images, private otherwise. With wait, answers when the snapshot is done
     * (or wait_timeout_seconds passed); otherwise at once, and GetHold shows its
     * progress. Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held, or
     * its provider cannot take snapshots free of keys, or cannot share images),
     * PERMISSION_DENIED (public images need the admin role), UNAVAILABLE.
     * </pre>
     */
    public void snapshotHold(dev.standby.v1.SnapshotHoldRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotHoldResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSnapshotHoldMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListHoldRules lists the autohold rules: from the configuration file and
     * added through the API, with how often each has fired.
     * </pre>
     */
    public void listHoldRules(dev.standby.v1.ListHoldRulesRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldRulesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListHoldRulesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CreateHoldRule adds an autohold rule: the next `count` failed jobs that
     * match it have their nodes held. Codes: INVALID_ARGUMENT (a bad label
     * expression, job name pattern, count or duration), ALREADY_EXISTS (a rule
     * with that name exists).
     * </pre>
     */
    public void createHoldRule(dev.standby.v1.CreateHoldRuleRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.CreateHoldRuleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateHoldRuleMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * DeleteHoldRule removes an autohold rule added through the API; holds it
     * made stay. Codes: NOT_FOUND, FAILED_PRECONDITION (the rule comes from the
     * configuration file: remove it there).
     * </pre>
     */
    public void deleteHoldRule(dev.standby.v1.DeleteHoldRuleRequest request,
        io.grpc.stub.StreamObserver<dev.standby.v1.DeleteHoldRuleResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteHoldRuleMethod(), getCallOptions()), request, responseObserver);
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
     * GetClaimTimeline returns a claim and what happened to it, oldest first:
     * queued, the launches started for its labels while it waited and how they
     * ended (attempts that failed, nodes that became ready), failed hand-overs,
     * fulfilled, and how it ended. It answers "why did this claim wait?" from
     * the store, with or without a tracing backend. Name the claim by its
     * claim token, or by its id (needs the operator role; the answer carries
     * no secrets either way).
     * Codes: INVALID_ARGUMENT (neither or both of claim_token and claim_id),
     * UNAUTHENTICATED (bad claim token), PERMISSION_DENIED (by id without the
     * operator role), NOT_FOUND (claim unknown).
     * </pre>
     */
    public dev.standby.v1.GetClaimTimelineResponse getClaimTimeline(dev.standby.v1.GetClaimTimelineRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetClaimTimelineMethod(), getCallOptions(), request);
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
     * (machines are single use), or held for diagnosis (state HELD) when
     * hold_seconds is set or a failure matches an autohold rule; the answer's
     * claim then lists the held nodes with their hold. Releasing twice with the
     * same token is a no-op.
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

    /**
     * <pre>
     * ListImages lists the image families (and templates' caches) with their
     * builds per provider: state, age, size, when verified, why a build failed,
     * and which build launches use now. Retired builds only with all set.
     * Codes: none beyond the common ones.
     * </pre>
     */
    public dev.standby.v1.ListImagesResponse listImages(dev.standby.v1.ListImagesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListImagesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * BuildImage starts a build of a family now, on each of its providers or
     * the one named; it runs in the background (watch it with ListImages or
     * GetImageBuild). Codes: NOT_FOUND (no such family), FAILED_PRECONDITION
     * (a build of the family on that provider is under way, or the family has
     * no entry for the provider).
     * </pre>
     */
    public dev.standby.v1.BuildImageResponse buildImage(dev.standby.v1.BuildImageRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getBuildImageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetImageBuild returns one build, with its log (the setup script's output
     * and the build's own notes) when asked. Codes: NOT_FOUND.
     * </pre>
     */
    public dev.standby.v1.GetImageBuildResponse getImageBuild(dev.standby.v1.GetImageBuildRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetImageBuildMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SetImageFamilyPaused pauses a family's scheduled builds (builds on
     * request and post-build snapshots still run) or resumes them.
     * Codes: NOT_FOUND (no such family).
     * </pre>
     */
    public dev.standby.v1.SetImageFamilyPausedResponse setImageFamilyPaused(dev.standby.v1.SetImageFamilyPausedRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetImageFamilyPausedMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteImageBuild deletes a promoted build's image (launches fall back to
     * the previous promoted build), or cancels a build under way (what it made
     * is deleted). An ended build is returned as it is.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (it is the last good build of its
     * family on its provider).
     * </pre>
     */
    public dev.standby.v1.DeleteImageBuildResponse deleteImageBuild(dev.standby.v1.DeleteImageBuildRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteImageBuildMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SnapshotNode turns a node held under a lease into a new build of an image
     * family on the node's provider (a CI job's post-build step): the node is
     * scrubbed and snapshotted, the snapshot verified and promoted. The lease
     * token authorises it. The answer comes once the snapshot is taken (the
     * lease may then be released), or with wait once the build is promoted or
     * failed. Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (no such
     * family or node), PERMISSION_DENIED (the lease does not hold the node),
     * FAILED_PRECONDITION (the lease has ended).
     * </pre>
     */
    public dev.standby.v1.SnapshotNodeResponse snapshotNode(dev.standby.v1.SnapshotNodeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSnapshotNodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListHolds lists the held nodes (state HELD) with why, for whom and until
     * when, plus how many there are and the earliest expiry.
     * </pre>
     */
    public dev.standby.v1.ListHoldsResponse listHolds(dev.standby.v1.ListHoldsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListHoldsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetHold returns a node's hold, with the keys added to it and its
     * snapshots; also after the hold ended. Codes: NOT_FOUND (no such node, or
     * it never was held).
     * </pre>
     */
    public dev.standby.v1.GetHoldResponse getHold(dev.standby.v1.GetHoldRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetHoldMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * HoldNode keeps a ready or claimed node for diagnosis (a claimed one stays
     * with its lease until released, and is then kept instead of deleted), or
     * changes the expiry of a held one. A held node is never handed to a claim
     * and still counts against label and provider caps. The hold lasts
     * duration_seconds (0: the configured default), capped so that it ends no
     * later than the configured maximum after it began.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is launching, released,
     * being deleted or gone).
     * </pre>
     */
    public dev.standby.v1.HoldNodeResponse holdNode(dev.standby.v1.HoldNodeRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getHoldNodeMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReleaseHold ends a hold early; the node is deleted. Releasing a node that
     * is already being deleted (or gone) is a no-op.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held).
     * </pre>
     */
    public dev.standby.v1.ReleaseHoldResponse releaseHold(dev.standby.v1.ReleaseHoldRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReleaseHoldMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * AddHoldKey adds an OpenSSH public key to a held node's authorized keys
     * (over SSH with the scheduler's key, checking the node's pinned host key),
     * so that a developer can log in. Recorded with who asked.
     * Codes: NOT_FOUND, INVALID_ARGUMENT (not an OpenSSH public key),
     * FAILED_PRECONDITION (the node is not held, or the scheduler cannot reach
     * it over SSH), UNAVAILABLE (the node did not answer; try again),
     * PERMISSION_DENIED (the node's host key changed).
     * </pre>
     */
    public dev.standby.v1.AddHoldKeyResponse addHoldKey(dev.standby.v1.AddHoldKeyRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAddHoldKeyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * SnapshotHold makes an image of a held node on its provider, without the
     * node's SSH host keys and without any authorized keys (the claimer's, the
     * developers', the scheduler's), so that it can be booted elsewhere. The
     * image is shared (not public) by default where the provider can share
     * images, private otherwise. With wait, answers when the snapshot is done
     * (or wait_timeout_seconds passed); otherwise at once, and GetHold shows its
     * progress. Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held, or
     * its provider cannot take snapshots free of keys, or cannot share images),
     * PERMISSION_DENIED (public images need the admin role), UNAVAILABLE.
     * </pre>
     */
    public dev.standby.v1.SnapshotHoldResponse snapshotHold(dev.standby.v1.SnapshotHoldRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSnapshotHoldMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListHoldRules lists the autohold rules: from the configuration file and
     * added through the API, with how often each has fired.
     * </pre>
     */
    public dev.standby.v1.ListHoldRulesResponse listHoldRules(dev.standby.v1.ListHoldRulesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListHoldRulesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CreateHoldRule adds an autohold rule: the next `count` failed jobs that
     * match it have their nodes held. Codes: INVALID_ARGUMENT (a bad label
     * expression, job name pattern, count or duration), ALREADY_EXISTS (a rule
     * with that name exists).
     * </pre>
     */
    public dev.standby.v1.CreateHoldRuleResponse createHoldRule(dev.standby.v1.CreateHoldRuleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateHoldRuleMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * DeleteHoldRule removes an autohold rule added through the API; holds it
     * made stay. Codes: NOT_FOUND, FAILED_PRECONDITION (the rule comes from the
     * configuration file: remove it there).
     * </pre>
     */
    public dev.standby.v1.DeleteHoldRuleResponse deleteHoldRule(dev.standby.v1.DeleteHoldRuleRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteHoldRuleMethod(), getCallOptions(), request);
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
     * GetClaimTimeline returns a claim and what happened to it, oldest first:
     * queued, the launches started for its labels while it waited and how they
     * ended (attempts that failed, nodes that became ready), failed hand-overs,
     * fulfilled, and how it ended. It answers "why did this claim wait?" from
     * the store, with or without a tracing backend. Name the claim by its
     * claim token, or by its id (needs the operator role; the answer carries
     * no secrets either way).
     * Codes: INVALID_ARGUMENT (neither or both of claim_token and claim_id),
     * UNAUTHENTICATED (bad claim token), PERMISSION_DENIED (by id without the
     * operator role), NOT_FOUND (claim unknown).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.GetClaimTimelineResponse> getClaimTimeline(
        dev.standby.v1.GetClaimTimelineRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetClaimTimelineMethod(), getCallOptions()), request);
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
     * (machines are single use), or held for diagnosis (state HELD) when
     * hold_seconds is set or a failure matches an autohold rule; the answer's
     * claim then lists the held nodes with their hold. Releasing twice with the
     * same token is a no-op.
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

    /**
     * <pre>
     * ListImages lists the image families (and templates' caches) with their
     * builds per provider: state, age, size, when verified, why a build failed,
     * and which build launches use now. Retired builds only with all set.
     * Codes: none beyond the common ones.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListImagesResponse> listImages(
        dev.standby.v1.ListImagesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListImagesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * BuildImage starts a build of a family now, on each of its providers or
     * the one named; it runs in the background (watch it with ListImages or
     * GetImageBuild). Codes: NOT_FOUND (no such family), FAILED_PRECONDITION
     * (a build of the family on that provider is under way, or the family has
     * no entry for the provider).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.BuildImageResponse> buildImage(
        dev.standby.v1.BuildImageRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getBuildImageMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetImageBuild returns one build, with its log (the setup script's output
     * and the build's own notes) when asked. Codes: NOT_FOUND.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.GetImageBuildResponse> getImageBuild(
        dev.standby.v1.GetImageBuildRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetImageBuildMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SetImageFamilyPaused pauses a family's scheduled builds (builds on
     * request and post-build snapshots still run) or resumes them.
     * Codes: NOT_FOUND (no such family).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.SetImageFamilyPausedResponse> setImageFamilyPaused(
        dev.standby.v1.SetImageFamilyPausedRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetImageFamilyPausedMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteImageBuild deletes a promoted build's image (launches fall back to
     * the previous promoted build), or cancels a build under way (what it made
     * is deleted). An ended build is returned as it is.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (it is the last good build of its
     * family on its provider).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.DeleteImageBuildResponse> deleteImageBuild(
        dev.standby.v1.DeleteImageBuildRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteImageBuildMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SnapshotNode turns a node held under a lease into a new build of an image
     * family on the node's provider (a CI job's post-build step): the node is
     * scrubbed and snapshotted, the snapshot verified and promoted. The lease
     * token authorises it. The answer comes once the snapshot is taken (the
     * lease may then be released), or with wait once the build is promoted or
     * failed. Codes: UNAUTHENTICATED (bad lease token), NOT_FOUND (no such
     * family or node), PERMISSION_DENIED (the lease does not hold the node),
     * FAILED_PRECONDITION (the lease has ended).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.SnapshotNodeResponse> snapshotNode(
        dev.standby.v1.SnapshotNodeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSnapshotNodeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListHolds lists the held nodes (state HELD) with why, for whom and until
     * when, plus how many there are and the earliest expiry.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListHoldsResponse> listHolds(
        dev.standby.v1.ListHoldsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListHoldsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetHold returns a node's hold, with the keys added to it and its
     * snapshots; also after the hold ended. Codes: NOT_FOUND (no such node, or
     * it never was held).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.GetHoldResponse> getHold(
        dev.standby.v1.GetHoldRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetHoldMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * HoldNode keeps a ready or claimed node for diagnosis (a claimed one stays
     * with its lease until released, and is then kept instead of deleted), or
     * changes the expiry of a held one. A held node is never handed to a claim
     * and still counts against label and provider caps. The hold lasts
     * duration_seconds (0: the configured default), capped so that it ends no
     * later than the configured maximum after it began.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is launching, released,
     * being deleted or gone).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.HoldNodeResponse> holdNode(
        dev.standby.v1.HoldNodeRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getHoldNodeMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReleaseHold ends a hold early; the node is deleted. Releasing a node that
     * is already being deleted (or gone) is a no-op.
     * Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ReleaseHoldResponse> releaseHold(
        dev.standby.v1.ReleaseHoldRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReleaseHoldMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * AddHoldKey adds an OpenSSH public key to a held node's authorized keys
     * (over SSH with the scheduler's key, checking the node's pinned host key),
     * so that a developer can log in. Recorded with who asked.
     * Codes: NOT_FOUND, INVALID_ARGUMENT (not an OpenSSH public key),
     * FAILED_PRECONDITION (the node is not held, or the scheduler cannot reach
     * it over SSH), UNAVAILABLE (the node did not answer; try again),
     * PERMISSION_DENIED (the node's host key changed).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.AddHoldKeyResponse> addHoldKey(
        dev.standby.v1.AddHoldKeyRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAddHoldKeyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * SnapshotHold makes an image of a held node on its provider, without the
     * node's SSH host keys and without any authorized keys (the claimer's, the
     * developers', the scheduler's), so that it can be booted elsewhere. The
     * image is shared (not public) by default where the provider can share
     * images, private otherwise. With wait, answers when the snapshot is done
     * (or wait_timeout_seconds passed); otherwise at once, and GetHold shows its
     * progress. Codes: NOT_FOUND, FAILED_PRECONDITION (the node is not held, or
     * its provider cannot take snapshots free of keys, or cannot share images),
     * PERMISSION_DENIED (public images need the admin role), UNAVAILABLE.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.SnapshotHoldResponse> snapshotHold(
        dev.standby.v1.SnapshotHoldRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSnapshotHoldMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListHoldRules lists the autohold rules: from the configuration file and
     * added through the API, with how often each has fired.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.ListHoldRulesResponse> listHoldRules(
        dev.standby.v1.ListHoldRulesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListHoldRulesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CreateHoldRule adds an autohold rule: the next `count` failed jobs that
     * match it have their nodes held. Codes: INVALID_ARGUMENT (a bad label
     * expression, job name pattern, count or duration), ALREADY_EXISTS (a rule
     * with that name exists).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.CreateHoldRuleResponse> createHoldRule(
        dev.standby.v1.CreateHoldRuleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateHoldRuleMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * DeleteHoldRule removes an autohold rule added through the API; holds it
     * made stay. Codes: NOT_FOUND, FAILED_PRECONDITION (the rule comes from the
     * configuration file: remove it there).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.standby.v1.DeleteHoldRuleResponse> deleteHoldRule(
        dev.standby.v1.DeleteHoldRuleRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteHoldRuleMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_CLAIM = 0;
  private static final int METHODID_WATCH_CLAIM = 1;
  private static final int METHODID_GET_CLAIM = 2;
  private static final int METHODID_GET_CLAIM_TIMELINE = 3;
  private static final int METHODID_CANCEL_CLAIM = 4;
  private static final int METHODID_RENEW_LEASE = 5;
  private static final int METHODID_RELEASE_LEASE = 6;
  private static final int METHODID_LIST_NODES = 7;
  private static final int METHODID_GET_NODE = 8;
  private static final int METHODID_DELETE_NODE = 9;
  private static final int METHODID_LIST_LABELS = 10;
  private static final int METHODID_LIST_PROVIDERS = 11;
  private static final int METHODID_SET_PROVIDER_MODE = 12;
  private static final int METHODID_RELOAD_CONFIG = 13;
  private static final int METHODID_LIST_IMAGES = 14;
  private static final int METHODID_BUILD_IMAGE = 15;
  private static final int METHODID_GET_IMAGE_BUILD = 16;
  private static final int METHODID_SET_IMAGE_FAMILY_PAUSED = 17;
  private static final int METHODID_DELETE_IMAGE_BUILD = 18;
  private static final int METHODID_SNAPSHOT_NODE = 19;
  private static final int METHODID_LIST_HOLDS = 20;
  private static final int METHODID_GET_HOLD = 21;
  private static final int METHODID_HOLD_NODE = 22;
  private static final int METHODID_RELEASE_HOLD = 23;
  private static final int METHODID_ADD_HOLD_KEY = 24;
  private static final int METHODID_SNAPSHOT_HOLD = 25;
  private static final int METHODID_LIST_HOLD_RULES = 26;
  private static final int METHODID_CREATE_HOLD_RULE = 27;
  private static final int METHODID_DELETE_HOLD_RULE = 28;

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
        case METHODID_GET_CLAIM_TIMELINE:
          serviceImpl.getClaimTimeline((dev.standby.v1.GetClaimTimelineRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.GetClaimTimelineResponse>) responseObserver);
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
        case METHODID_LIST_IMAGES:
          serviceImpl.listImages((dev.standby.v1.ListImagesRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListImagesResponse>) responseObserver);
          break;
        case METHODID_BUILD_IMAGE:
          serviceImpl.buildImage((dev.standby.v1.BuildImageRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.BuildImageResponse>) responseObserver);
          break;
        case METHODID_GET_IMAGE_BUILD:
          serviceImpl.getImageBuild((dev.standby.v1.GetImageBuildRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.GetImageBuildResponse>) responseObserver);
          break;
        case METHODID_SET_IMAGE_FAMILY_PAUSED:
          serviceImpl.setImageFamilyPaused((dev.standby.v1.SetImageFamilyPausedRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.SetImageFamilyPausedResponse>) responseObserver);
          break;
        case METHODID_DELETE_IMAGE_BUILD:
          serviceImpl.deleteImageBuild((dev.standby.v1.DeleteImageBuildRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.DeleteImageBuildResponse>) responseObserver);
          break;
        case METHODID_SNAPSHOT_NODE:
          serviceImpl.snapshotNode((dev.standby.v1.SnapshotNodeRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotNodeResponse>) responseObserver);
          break;
        case METHODID_LIST_HOLDS:
          serviceImpl.listHolds((dev.standby.v1.ListHoldsRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldsResponse>) responseObserver);
          break;
        case METHODID_GET_HOLD:
          serviceImpl.getHold((dev.standby.v1.GetHoldRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.GetHoldResponse>) responseObserver);
          break;
        case METHODID_HOLD_NODE:
          serviceImpl.holdNode((dev.standby.v1.HoldNodeRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.HoldNodeResponse>) responseObserver);
          break;
        case METHODID_RELEASE_HOLD:
          serviceImpl.releaseHold((dev.standby.v1.ReleaseHoldRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ReleaseHoldResponse>) responseObserver);
          break;
        case METHODID_ADD_HOLD_KEY:
          serviceImpl.addHoldKey((dev.standby.v1.AddHoldKeyRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.AddHoldKeyResponse>) responseObserver);
          break;
        case METHODID_SNAPSHOT_HOLD:
          serviceImpl.snapshotHold((dev.standby.v1.SnapshotHoldRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.SnapshotHoldResponse>) responseObserver);
          break;
        case METHODID_LIST_HOLD_RULES:
          serviceImpl.listHoldRules((dev.standby.v1.ListHoldRulesRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.ListHoldRulesResponse>) responseObserver);
          break;
        case METHODID_CREATE_HOLD_RULE:
          serviceImpl.createHoldRule((dev.standby.v1.CreateHoldRuleRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.CreateHoldRuleResponse>) responseObserver);
          break;
        case METHODID_DELETE_HOLD_RULE:
          serviceImpl.deleteHoldRule((dev.standby.v1.DeleteHoldRuleRequest) request,
              (io.grpc.stub.StreamObserver<dev.standby.v1.DeleteHoldRuleResponse>) responseObserver);
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
              .addMethod(getGetClaimTimelineMethod())
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
              .addMethod(getListImagesMethod())
              .addMethod(getBuildImageMethod())
              .addMethod(getGetImageBuildMethod())
              .addMethod(getSetImageFamilyPausedMethod())
              .addMethod(getDeleteImageBuildMethod())
              .addMethod(getSnapshotNodeMethod())
              .addMethod(getListHoldsMethod())
              .addMethod(getGetHoldMethod())
              .addMethod(getHoldNodeMethod())
              .addMethod(getReleaseHoldMethod())
              .addMethod(getAddHoldKeyMethod())
              .addMethod(getSnapshotHoldMethod())
              .addMethod(getListHoldRulesMethod())
              .addMethod(getCreateHoldRuleMethod())
              .addMethod(getDeleteHoldRuleMethod())
              .build();
        }
      }
    }
    return result;
  }
}
