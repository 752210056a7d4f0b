from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from shared_apps.audit.actor import Actor

from ..models import Address, Contact, ContactRecord, Customer, Group
from ..selectors import (
    customer_addresses,
    customer_contact_records,
    customer_contacts,
    customer_list,
    customer_overview,
    customer_search,
    group_list,
)
from ..services import (
    address_add,
    address_update,
    contact_add,
    contact_record_create,
    contact_remove,
    customer_create,
    customer_update,
    group_create,
    group_update,
)
from .serializers import (
    AddressInput,
    AddressOutput,
    AddressUpdateInput,
    ContactInput,
    ContactOutput,
    ContactRecordInput,
    ContactRecordOutput,
    CustomerCreateInput,
    CustomerListQuery,
    CustomerOutput,
    CustomerUpdateInput,
    GroupInput,
    GroupOutput,
    GroupUpdateInput,
    OverviewOutput,
)

CUSTOMERS = {"read": "customers.view", "write": "customers.manage"}
SEARCH_LIMIT = 100


class CustomerListApi(GenericAPIView):
    """Customers. ``?q=`` searches by name, tax id (CPF/CNPJ), phone, address words, customer
    or contract number: at most 100 results, exact identifiers first, then names starting with
    the query, then customers having every word, each group ordered by name. Without ``q``:
    every customer by name. Filters ``status``, ``customer_type``, ``kind``. POST registers a
    customer (optionally with contacts and a first address)."""

    queryset = Customer.objects.none()  # for the OpenAPI document only
    required_functions = CUSTOMERS

    @extend_schema(parameters=[CustomerListQuery], responses=CustomerOutput(many=True))
    def get(self, request):
        params = CustomerListQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {k: v for k, v in params.validated_data.items() if k != "q" and v}
        query = params.validated_data.get("q", "").strip()
        rows = (
            customer_search(query, limit=SEARCH_LIMIT, **filters)
            if query
            else customer_list(**filters)
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CustomerOutput(page, many=True).data)

    @extend_schema(request=CustomerCreateInput, responses={201: CustomerOutput})
    def post(self, request):
        serializer = CustomerCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = customer_create(actor=Actor.from_request(request), **serializer.validated_data)
        return Response(CustomerOutput(customer).data, status=status.HTTP_201_CREATED)


class CustomerDetailApi(GenericAPIView):
    required_functions = CUSTOMERS

    @extend_schema(responses=CustomerOutput)
    def get(self, request, pk):
        return Response(CustomerOutput(get_object_or_404(Customer, pk=pk)).data)

    @extend_schema(request=CustomerUpdateInput, responses=CustomerOutput)
    def patch(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        serializer = CustomerUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = customer_update(
            actor=Actor.from_request(request), customer=customer, data=serializer.validated_data
        )
        return Response(CustomerOutput(customer).data)


class CustomerOverviewApi(GenericAPIView):
    """The customer 360: status, contacts, addresses with their subscriptions (and promotions),
    balance and debt, open service requests, recent contact records and history."""

    required_function = "customers.view"

    @extend_schema(responses=OverviewOutput)
    def get(self, request, pk):
        data = customer_overview(pk)
        if data is None:
            raise NotFound()
        # The selector builds the documented shape itself (OverviewOutput): no second walk.
        return Response(data)


class ContactListApi(GenericAPIView):
    queryset = Contact.objects.none()  # for the OpenAPI document only
    required_functions = CUSTOMERS
    pagination_class = None

    @extend_schema(responses=ContactOutput(many=True))
    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        return Response(ContactOutput(customer_contacts(customer), many=True).data)

    @extend_schema(request=ContactInput, responses={201: ContactOutput})
    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        serializer = ContactInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contact_add(
            actor=Actor.from_request(request), customer=customer, **serializer.validated_data
        )
        return Response(ContactOutput(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(GenericAPIView):
    required_functions = CUSTOMERS

    @extend_schema(responses=ContactOutput)
    def get(self, request, pk, contact_id):
        contact = get_object_or_404(Contact, pk=contact_id, customer_id=pk)
        return Response(ContactOutput(contact).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk, contact_id):
        contact = get_object_or_404(Contact, pk=contact_id, customer_id=pk)
        contact_remove(actor=Actor.from_request(request), contact=contact)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressListApi(GenericAPIView):
    queryset = Address.objects.none()  # for the OpenAPI document only
    required_functions = CUSTOMERS
    pagination_class = None

    @extend_schema(responses=AddressOutput(many=True))
    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        return Response(AddressOutput(customer_addresses(customer), many=True).data)

    @extend_schema(request=AddressInput, responses={201: AddressOutput})
    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        serializer = AddressInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = address_add(
            actor=Actor.from_request(request), customer=customer, **serializer.validated_data
        )
        return Response(AddressOutput(address).data, status=status.HTTP_201_CREATED)


class AddressDetailApi(GenericAPIView):
    required_functions = CUSTOMERS

    @extend_schema(responses=AddressOutput)
    def get(self, request, pk, address_id):
        address = get_object_or_404(Address, pk=address_id, customer_id=pk)
        return Response(AddressOutput(address).data)

    @extend_schema(request=AddressUpdateInput, responses=AddressOutput)
    def patch(self, request, pk, address_id):
        address = get_object_or_404(Address, pk=address_id, customer_id=pk)
        serializer = AddressUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        address = address_update(
            actor=Actor.from_request(request), address=address, data=serializer.validated_data
        )
        return Response(AddressOutput(address).data)


class ContactRecordListApi(GenericAPIView):
    """Contact records of a customer (C3), newest first; written once, never edited."""

    queryset = ContactRecord.objects.none()  # for the OpenAPI document only
    required_functions = {"read": "customers.view", "write": "contacts.register"}

    @extend_schema(responses=ContactRecordOutput(many=True))
    def get(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        page = self.paginate_queryset(customer_contact_records(customer))
        return self.get_paginated_response(ContactRecordOutput(page, many=True).data)

    @extend_schema(request=ContactRecordInput, responses={201: ContactRecordOutput})
    def post(self, request, pk):
        customer = get_object_or_404(Customer, pk=pk)
        serializer = ContactRecordInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = contact_record_create(
            actor=Actor.from_request(request), customer=customer, **serializer.validated_data
        )
        return Response(ContactRecordOutput(record).data, status=status.HTTP_201_CREATED)


class GroupListApi(GenericAPIView):
    """Groups billed as one (S3), each with its own account."""

    queryset = Group.objects.none()  # for the OpenAPI document only
    required_functions = CUSTOMERS

    @extend_schema(responses=GroupOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(group_list().select_related("account"))
        return self.get_paginated_response(GroupOutput(page, many=True).data)

    @extend_schema(request=GroupInput, responses={201: GroupOutput})
    def post(self, request):
        serializer = GroupInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_create(actor=Actor.from_request(request), **serializer.validated_data)
        return Response(GroupOutput(group).data, status=status.HTTP_201_CREATED)


class GroupDetailApi(GenericAPIView):
    required_functions = CUSTOMERS

    @extend_schema(responses=GroupOutput)
    def get(self, request, pk):
        return Response(GroupOutput(get_object_or_404(Group, pk=pk)).data)

    @extend_schema(request=GroupUpdateInput, responses=GroupOutput)
    def patch(self, request, pk):
        group = get_object_or_404(Group, pk=pk)
        serializer = GroupUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        group = group_update(
            actor=Actor.from_request(request), group=group, data=serializer.validated_data
        )
        return Response(GroupOutput(group).data)
